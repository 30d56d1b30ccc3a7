namespace Broker.Core.Settings;

/// <summary>The <c>broker.auth</c> section (docs/security.md).</summary>
/// <param name="AllowAnonymous">Whether connections without a token may use the broker (<c>anonymous = allow</c>).</param>
/// <param name="ConnectTimeout">With anonymous denied: how long a connection may stay without a successful connect.</param>
/// <param name="Jwt">How tokens are verified.</param>
public sealed record AuthSettings(bool AllowAnonymous, TimeSpan ConnectTimeout, JwtSettings Jwt)
{
    internal static AuthSettings Read(SettingsSection auth)
    {
        var allowAnonymous = auth.Choice("anonymous", "allow", "deny") == "allow";
        var jwt = JwtSettings.Read(auth.Section("jwt"));
        if (!allowAnonymous && !jwt.Enabled)
            throw auth.Invalid("anonymous",
                "deny needs a way to verify tokens: set broker.auth.jwt.hmac-secret, public-key-files or jwks-url");
        return new AuthSettings(allowAnonymous, auth.Duration("connect-timeout"), jwt);
    }
}
