using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Broker.Server.Tests.Auth;

/// <summary>Keys generated per run (HMAC, RSA, EC) and real JWTs signed with them; PEM files for the broker's config.</summary>
public sealed class TestKeys : IDisposable
{
    public const string Secret = "test-secret-0123456789abcdef0123456789abcdef0123456789abcdef0123456789";

    private readonly string _dir = Directory.CreateTempSubdirectory("broker-auth-").FullName;

    public TestKeys()
    {
        RsaPem = Write("rsa.pem", Rsa.ExportSubjectPublicKeyInfoPem());
        EcPem = Write("ec.pem", Ec.ExportSubjectPublicKeyInfoPem());
        Ec384Pem = Write("ec384.pem", Ec384.ExportSubjectPublicKeyInfoPem());
    }

    public RSA Rsa { get; } = RSA.Create(2048);

    public ECDsa Ec { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>ES384 signs with a P-384 key (RFC 7518 §3.4 pairs each ES algorithm with its curve).</summary>
    public ECDsa Ec384 { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    public string RsaPem { get; }

    public string EcPem { get; }

    public string Ec384Pem { get; }

    /// <summary>HOCON for a broker that verifies these keys, with no clock skew (expiry tests stay short).</summary>
    public string Hocon(string anonymous = "deny") => $$"""
        broker.auth {
          anonymous = {{anonymous}}
          jwt { hmac-secret = "{{Secret}}", public-key-files = ["{{RsaPem}}", "{{EcPem}}", "{{Ec384Pem}}"], clock-skew-seconds = 0 }
        }
        """;

    public static SigningCredentials Hmac(string alg = SecurityAlgorithms.HmacSha256) =>
        new(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Secret)), alg);

    public SigningCredentials RsaCredentials(string alg = SecurityAlgorithms.RsaSha256) => new(new RsaSecurityKey(Rsa), alg);

    public SigningCredentials EcCredentials(string alg = SecurityAlgorithms.EcdsaSha256) =>
        new(new ECDsaSecurityKey(alg == SecurityAlgorithms.EcdsaSha384 ? Ec384 : Ec), alg);

    /// <summary>A signed token for <paramref name="sub"/>; claims and times can be varied per test.</summary>
    public static string Token(SigningCredentials credentials, string sub = "alice", TimeSpan? lifetime = null,
        string[]? subscribe = null, string[]? publish = null, string? audience = null, string? issuer = null,
        DateTime? notBefore = null)
    {
        var now = DateTime.UtcNow;
        var claims = new Dictionary<string, object>();
        if (subscribe is not null)
            claims["subscribe"] = subscribe;
        if (publish is not null)
            claims["publish"] = publish;
        var descriptor = new SecurityTokenDescriptor
        {
            Subject = sub.Length == 0 ? new ClaimsIdentity() : new ClaimsIdentity([new Claim("sub", sub)]),
            NotBefore = notBefore ?? now.AddMinutes(-1),
            IssuedAt = now.AddMinutes(-1),
            Expires = now + (lifetime ?? TimeSpan.FromHours(1)),
            Audience = audience,
            Issuer = issuer,
            Claims = claims,
            SigningCredentials = credentials,
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>An unsigned token (<c>alg: none</c>) claiming to be <paramref name="sub"/>.</summary>
    public static string Unsigned(string sub = "alice")
    {
        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        return $$"""{{Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""")}}.{{Base64UrlEncoder.Encode($$$"""{"sub":"{{{sub}}}","exp":{{{exp}}}}""")}}.""";
    }

    /// <summary>Algorithm confusion: HS256 "signed" with the RSA public key's PEM text as the HMAC secret.</summary>
    public string Confused(string sub = "alice") =>
        Token(new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(File.ReadAllText(RsaPem))),
            SecurityAlgorithms.HmacSha256), sub);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    public void Dispose()
    {
        Rsa.Dispose();
        Ec.Dispose();
        Ec384.Dispose();
        Directory.Delete(_dir, recursive: true);
    }
}
