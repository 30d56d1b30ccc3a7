using System.Security.Cryptography;
using System.Text;

namespace Broker.Server.Auth;

/// <summary>A server API key, compared in constant time with the request's <c>Authorization: Bearer KEY</c>.</summary>
internal sealed class BearerKey(string key)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(key);

    /// <summary>True when no key is configured.</summary>
    public bool IsEmpty => _key.Length == 0;

    /// <summary>True when the request carries exactly this key.</summary>
    public bool Matches(HttpRequest request) => Token(request) is { } token
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(token), _key);

    /// <summary>The bearer token of <c>Authorization</c>, or null.</summary>
    public static string? Token(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}
