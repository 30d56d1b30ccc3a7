using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Broker.Core.Settings;

/// <summary>A PEM certificate (chain) and its private key, e.g. <c>broker.http.tls</c>.</summary>
/// <param name="Certificate">Path of the PEM certificate file (the leaf first, then any intermediates).</param>
/// <param name="Key">Path of the PEM private key file.</param>
public sealed record TlsFiles(string Certificate, string Key)
{
    /// <summary>Null when both keys are empty (TLS off); an error when only one is set or a file is missing.</summary>
    public static TlsFiles? Read(SettingsSection tls)
    {
        var certificate = tls.String("certificate");
        var key = tls.String("key");
        if (certificate.Length == 0 && key.Length == 0)
            return null;
        if (certificate.Length == 0 || key.Length == 0)
            throw tls.Invalid(certificate.Length == 0 ? "certificate" : "key", "must be set too: TLS needs a certificate and its key");
        foreach (var (name, path) in new[] { ("certificate", certificate), ("key", key) })
            if (!File.Exists(path))
                throw tls.BadValue(name, path, "no such file");
        return new TlsFiles(certificate, key);
    }

    /// <summary>
    /// The certificates in the PEM file at <paramref name="path"/>, the value of <paramref name="key"/> (a trusted CA
    /// such as <c>broker.cluster.tls.ca</c>); an error naming the key when the file is missing or holds no certificate.
    /// </summary>
    public static X509Certificate2Collection ReadCertificates(SettingsSection section, string key, string path)
    {
        if (!File.Exists(path))
            throw section.BadValue(key, path, "no such file");
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (CryptographicException e)
        {
            throw section.BadValue(key, path, $"not a PEM certificate file ({e.Message})");
        }
        return certificates.Count > 0 ? certificates : throw section.BadValue(key, path, "holds no PEM certificate");
    }
}
