using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Broker.Testing;

/// <summary>
/// A certificate authority made per run (P-256 keys) that issues leaf certificates for loopback servers and clients,
/// written as PEM files in a temp dir, the form broker.cluster.tls and redis-server take them.
/// </summary>
public sealed class TestCertificateAuthority : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("broker-ca-").FullName;
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 _certificate;

    /// <summary>A root CA (self-signed).</summary>
    public TestCertificateAuthority(string name) : this(name, issuer: null)
    {
    }

    // A root, or an intermediate CA issued by issuer (valid a little less long, so its leaves fit inside it too).
    private TestCertificateAuthority(string name, TestCertificateAuthority? issuer)
    {
        var request = new CertificateRequest($"CN={name}", _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        if (issuer is null)
        {
            _certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddDays(2));
        }
        else
        {
            request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer._certificate, true, false));
            using var issued = request.Create(issuer._certificate, DateTimeOffset.UtcNow.AddMinutes(-8),
                DateTimeOffset.UtcNow.AddDays(1.5), RandomNumberGenerator.GetBytes(16));
            _certificate = issued.CopyWithPrivateKey(_key);
        }
        CertificatePath = Write("ca.pem", _certificate.ExportCertificatePem());
    }

    /// <summary>An intermediate CA issued by this one; its <see cref="CertificatePath"/> holds only its own certificate.</summary>
    public TestCertificateAuthority Intermediate(string name) => new(name, this);

    /// <summary>The CA's certificate (PEM): what a peer trusts.</summary>
    public string CertificatePath { get; }

    /// <summary>A certificate for <c>CN=name</c>, valid for localhost and 127.0.0.1 as server and as client.</summary>
    public IssuedCertificate Issue(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_certificate, true, false));
        using var issued = request.Create(_certificate, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1),
            RandomNumberGenerator.GetBytes(16));
        return new IssuedCertificate(
            Write($"{name}.pem", issued.ExportCertificatePem()),
            Write($"{name}.key", key.ExportPkcs8PrivateKeyPem()));
    }

    /// <summary>A PEM file trusting this CA and <paramref name="other"/>: what an outsider's own config might trust.</summary>
    public string TrustBundleWith(TestCertificateAuthority other) =>
        Write($"bundle-{Guid.NewGuid():N}.pem", File.ReadAllText(CertificatePath) + "\n" + File.ReadAllText(other.CertificatePath) + "\n");

    private string Write(string name, string pem)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, pem);
        return path;
    }

    public void Dispose()
    {
        _certificate.Dispose();
        _key.Dispose();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp dir left behind is harmless.
        }
    }
}
