using System.Security.Cryptography;
using System.Text;

namespace Broker.Testing;

/// <summary>HS256 JWTs (RFC 7519 compact form, built with the BCL's HMAC) for brokers started with an HMAC secret.</summary>
public static class HmacTokens
{
    public static string For(string secret, string user, TimeSpan? lifetime = null)
    {
        var exp = DateTimeOffset.UtcNow.Add(lifetime ?? TimeSpan.FromHours(1)).ToUnixTimeSeconds();
        var signingInput = $"{Encode("""{"alg":"HS256","typ":"JWT"}""")}.{Encode($$"""{"sub":"{{user}}","exp":{{exp}}}""")}";
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64Url(signature)}";
    }

    private static string Encode(string json) => Base64Url(Encoding.UTF8.GetBytes(json));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
