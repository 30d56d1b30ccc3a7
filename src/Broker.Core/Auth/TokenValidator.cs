using System.Text.Json;
using Broker.Core.Settings;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Broker.Core.Auth;

/// <summary>
/// Verifies the JWTs of <c>connect</c>, <c>refresh</c> and the handshake's <c>Authorization: Bearer</c> header with
/// Microsoft.IdentityModel (no hand-written cryptography). Only the algorithms of docs/security.md are accepted;
/// <c>alg: none</c> is refused (signed tokens required), and algorithm confusion cannot happen because each algorithm
/// family is offered only keys of its own kind: HS* only the HMAC secret, RS*/PS* only RSA keys, ES* only EC keys.
/// A token whose keys are known is verified synchronously; only an unknown <c>kid</c> with a JWKS configured waits.
/// </summary>
public sealed class TokenValidator : IDisposable
{
    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512,
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384,
    ];

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SecurityKey[] _staticKeys;
    private readonly JwksCache? _jwks;
    private readonly TokenValidationParameters _parameters;

    /// <summary>Loads the keys of <paramref name="settings"/>; starts fetching the JWKS (if any) through <paramref name="http"/>.</summary>
    public TokenValidator(JwtSettings settings, HttpClient http, Action<string> warn)
    {
        var keys = new List<SecurityKey>();
        if (settings.HmacSecret.Length > 0)
            keys.Add(new SymmetricSecurityKey(System.Text.Encoding.UTF8.GetBytes(settings.HmacSecret)));
        keys.AddRange(settings.PublicKeyFiles.Select(PublicKeyFiles.Load));
        _staticKeys = keys.ToArray();
        if (settings.JwksUrl.Length > 0)
            _jwks = new JwksCache(new Uri(settings.JwksUrl), http, settings.JwksTimeout, settings.JwksRefreshInterval,
                settings.JwksUnknownKidCooldown, warn);
        _parameters = new TokenValidationParameters
        {
            ValidAlgorithms = Algorithms,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = settings.ClockSkew,
            ValidateAudience = settings.Audience.Length > 0,
            ValidAudience = settings.Audience,
            ValidateIssuer = settings.Issuer.Length > 0,
            ValidIssuer = settings.Issuer,
            ValidateIssuerSigningKey = false,
            TryAllIssuerSigningKeys = true,
            IssuerSigningKeyResolver = (_, token, kid, _) => KeysFor(((JsonWebToken)token).Alg, kid),
        };
    }

    /// <summary>Verifies <paramref name="token"/>; completes synchronously unless it names a kid the JWKS does not know yet.</summary>
    public ValueTask<TokenResult> ValidateAsync(string token)
    {
        JsonWebToken jwt;
        try
        {
            jwt = new JsonWebToken(token);
        }
        catch (Exception e) when (e is ArgumentException or SecurityTokenException)
        {
            return ValueTask.FromResult(TokenResult.Fail("the token is not a JWT"));
        }
        // Whether the kid is known is decided before validating: checked after, a JWKS fetch finishing in between would
        // make a validation that ran without the key look final (4003 for a valid token while the node starts).
        var unknownKid = _jwks is not null && jwt.Kid is { Length: > 0 } kid && !_jwks.Knows(kid);
        var first = _handler.ValidateTokenAsync(jwt, _parameters);
        if (unknownKid)
            return new ValueTask<TokenResult>(RetryAfterRefreshAsync(first, jwt));
        return first.IsCompletedSuccessfully ? ValueTask.FromResult(ToResult(first.Result)) : AwaitAsync(first);
    }

    private static async ValueTask<TokenResult> AwaitAsync(Task<TokenValidationResult> validation) => ToResult(await validation);

    // The kid is unknown: if the token failed for want of its key, fetch the JWKS (shared, rate-limited, bounded) and retry.
    private async Task<TokenResult> RetryAfterRefreshAsync(Task<TokenValidationResult> first, JsonWebToken jwt)
    {
        var result = await first;
        if (result.IsValid || result.Exception is not SecurityTokenSignatureKeyNotFoundException)
            return ToResult(result);
        await _jwks!.RefreshForUnknownKidAsync();
        return ToResult(await _handler.ValidateTokenAsync(jwt, _parameters));
    }

    private IEnumerable<SecurityKey> KeysFor(string alg, string? kid)
    {
        var jwksKeys = _jwks?.Keys ?? [];
        var candidates = kid is { Length: > 0 } && _jwks is not null
            ? _staticKeys.Concat(jwksKeys.Where(k => k.KeyId == kid))
            : _staticKeys.Concat(jwksKeys);
        return candidates.Where(k => Fits(alg, k));
    }

    // Algorithm confusion guard: a key is offered only to the algorithm family of its own kind.
    private static bool Fits(string alg, SecurityKey key) => (alg.Length < 2 ? "" : alg[..2]) switch
    {
        "HS" => key is SymmetricSecurityKey || key is JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.Octet },
        "RS" or "PS" => key is RsaSecurityKey || key is X509SecurityKey { PublicKey: System.Security.Cryptography.RSA }
                        || key is JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.RSA },
        "ES" => key is ECDsaSecurityKey || key is X509SecurityKey { PublicKey: System.Security.Cryptography.ECDsa }
                || key is JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.EllipticCurve },
        _ => false,
    };

    private static TokenResult ToResult(TokenValidationResult result)
    {
        if (!result.IsValid)
            return TokenResult.Fail(Reason(result.Exception));
        var jwt = (JsonWebToken)result.SecurityToken;
        if (string.IsNullOrEmpty(jwt.Subject))
            return TokenResult.Fail("the token has no sub");
        if (!Grants(jwt, "subscribe", out var subscribe) || !Grants(jwt, "publish", out var publish))
            return TokenResult.Fail("the subscribe and publish claims must be lists of topic patterns");
        return new TokenResult(new AuthIdentity(jwt.Subject, new DateTimeOffset(jwt.ValidTo, TimeSpan.Zero), subscribe, publish), null);
    }

    // A grant claim is absent, one string, or a list of strings.
    private static bool Grants(JsonWebToken jwt, string claim, out IReadOnlyList<string> grants)
    {
        grants = [];
        if (!jwt.TryGetPayloadValue<JsonElement>(claim, out var value))
            return true;
        if (value.ValueKind == JsonValueKind.String)
        {
            grants = [value.GetString()!];
            return true;
        }
        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
            return false;
        grants = value.EnumerateArray().Select(e => e.GetString()!).ToArray();
        return true;
    }

    // Short, stable reasons for the client and the log; the library's messages may quote the token, so they are not used.
    private static string Reason(Exception? e) => e switch
    {
        SecurityTokenExpiredException => "the token has expired",
        SecurityTokenNotYetValidException => "the token is not valid yet",
        SecurityTokenNoExpirationException => "the token has no exp",
        SecurityTokenInvalidAudienceException => "the token's aud is not accepted",
        SecurityTokenInvalidIssuerException => "the token's iss is not accepted",
        SecurityTokenInvalidAlgorithmException => "the token's alg is not accepted",
        SecurityTokenSignatureKeyNotFoundException => "no key verifies the token's signature",
        SecurityTokenInvalidSignatureException => "the token's signature is invalid",
        _ => "the token is invalid",
    };

    /// <inheritdoc />
    public void Dispose() => _jwks?.Dispose();
}
