namespace Broker.Testing;

/// <summary>PEM files of an issued certificate and its private key.</summary>
public sealed record IssuedCertificate(string CertificatePath, string KeyPath);
