namespace Broker.Protocol.Handshake;

/// <summary>Allocation-free scanning of comma-separated HTTP header lists (RFC 9110 §5.6.1).</summary>
internal static class HeaderTokens
{
    /// <summary>True when <paramref name="headerValue"/> lists <paramref name="token"/> (case-insensitive, whitespace trimmed).</summary>
    public static bool Contains(string? headerValue, string token, StringComparison comparison = StringComparison.OrdinalIgnoreCase)
    {
        if (headerValue is null)
            return false;
        foreach (var range in headerValue.AsSpan().Split(','))
        {
            if (headerValue.AsSpan(range).Trim().Equals(token, comparison))
                return true;
        }
        return false;
    }
}
