namespace Broker.Core.Auth;

/// <summary>The outcome of verifying a token: the identity, or a short reason that never quotes the token.</summary>
public readonly record struct TokenResult(AuthIdentity? Identity, string? Error)
{
    /// <summary>True when the token was valid.</summary>
    public bool IsValid => Identity is not null;

    internal static TokenResult Fail(string reason) => new(null, reason);
}
