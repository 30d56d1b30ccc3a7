using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Microsoft.IdentityModel.Tokens;

namespace Broker.Core.Auth;

/// <summary>Loads <c>broker.auth.jwt.public-key-files</c>: PEM public keys (RSA or EC, SPKI or PKCS#1) or certificates.</summary>
internal static class PublicKeyFiles
{
    public static SecurityKey Load(string path)
    {
        var pem = File.ReadAllText(path);
        try
        {
            if (pem.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
                return new X509SecurityKey(X509Certificate2.CreateFromPem(pem));
            if (pem.Contains("EC PUBLIC KEY", StringComparison.Ordinal) || IsEc(pem))
            {
                var ec = ECDsa.Create();
                ec.ImportFromPem(pem);
                return new ECDsaSecurityKey(ec);
            }
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new ConfigurationException($"broker.auth.jwt.public-key-files = \"{path}\": not a PEM RSA or EC public key or certificate ({e.Message})");
        }
    }

    // An SPKI "PUBLIC KEY" block may hold either kind: try EC first, RSA otherwise.
    private static bool IsEc(string pem)
    {
        using var ec = ECDsa.Create();
        try
        {
            ec.ImportFromPem(pem);
            return true;
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}
