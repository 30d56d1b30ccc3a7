using System.Text;

namespace Broker.Core.Settings;

/// <summary>The <c>broker.auth.jwt</c> section: where the keys that verify tokens come from, and the claims required.</summary>
/// <param name="HmacSecret">Shared secret of HS256/384/512 tokens (UTF-8, at least 32 bytes); "" for none.</param>
/// <param name="PublicKeyFiles">PEM files of RSA or EC public keys (or certificates) for RS*/PS256/ES* tokens.</param>
/// <param name="JwksUrl">A JWKS endpoint (https; http only on loopback); "" for none.</param>
/// <param name="Audience">Required <c>aud</c>; "" accepts any.</param>
/// <param name="Issuer">Required <c>iss</c>; "" accepts any.</param>
/// <param name="JwksTimeout">Longest wait for the JWKS endpoint; a connection presenting an unknown key fails after it.</param>
/// <param name="JwksRefreshInterval">How often the JWKS is refetched in the background.</param>
/// <param name="JwksUnknownKidCooldown">Least time between two fetches triggered by tokens with an unknown kid.</param>
/// <param name="ClockSkew">Tolerance on <c>exp</c> and <c>nbf</c>.</param>
public sealed record JwtSettings(
    string HmacSecret,
    IReadOnlyList<string> PublicKeyFiles,
    string JwksUrl,
    string Audience,
    string Issuer,
    TimeSpan JwksTimeout,
    TimeSpan JwksRefreshInterval,
    TimeSpan JwksUnknownKidCooldown,
    TimeSpan ClockSkew)
{
    /// <summary>The shortest secret accepted: HS256 needs a key of at least 256 bits.</summary>
    public const int MinSecretBytes = 32;

    /// <summary>True when at least one source of keys is configured.</summary>
    public bool Enabled => HmacSecret.Length > 0 || PublicKeyFiles.Count > 0 || JwksUrl.Length > 0;

    internal static JwtSettings Read(SettingsSection jwt)
    {
        var secret = jwt.String("hmac-secret");
        if (secret.Length > 0 && Encoding.UTF8.GetByteCount(secret) < MinSecretBytes)
            throw jwt.Invalid("hmac-secret", $"must be at least {MinSecretBytes} bytes (HS256 needs a 256-bit key)");
        var files = jwt.StringList("public-key-files");
        foreach (var file in files)
            if (!File.Exists(file))
                throw jwt.BadValue("public-key-files", file, "no such file");
        var jwks = jwt.String("jwks-url");
        if (jwks.Length > 0 && !IsAllowedJwksUrl(jwks))
            throw jwt.BadValue("jwks-url", jwks, "must be an absolute https URL (http only on loopback)");
        return new JwtSettings(secret, files, jwks, jwt.String("audience"), jwt.String("issuer"),
            jwt.Duration("jwks-timeout"), jwt.Duration("jwks-refresh-interval"), jwt.Duration("jwks-unknown-kid-cooldown"), ClockSkewOf(jwt));
    }

    // Keys fetched over plain http could be replaced by anyone on the path; loopback is allowed for tests and sidecars.
    private static bool IsAllowedJwksUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));

    // 0s is a valid skew (strict clocks), so it is read as a number of seconds rather than a positive duration.
    private static TimeSpan ClockSkewOf(SettingsSection jwt) => TimeSpan.FromSeconds(jwt.Int("clock-skew-seconds", 0, 600));
}
