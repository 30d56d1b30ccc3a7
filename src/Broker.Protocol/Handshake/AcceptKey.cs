using System.Security.Cryptography;
using System.Text;

namespace Broker.Protocol.Handshake;

/// <summary>Sec-WebSocket-Key checks and the Sec-WebSocket-Accept computation (RFC 6455 §4.2.1 item 4, §4.2.2 item 5.4).</summary>
public static class AcceptKey
{
    // RFC 6455 §1.3: the GUID appended to the client's key before hashing.
    private static ReadOnlySpan<byte> Guid => "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"u8;

    // 16 random bytes encode to 24 base64 characters (with "==" padding).
    private const int EncodedKeyLength = 24;
    private const int DecodedKeyLength = 16;

    /// <summary>True when <paramref name="key"/> is base64 that decodes to exactly 16 bytes (§4.2.1 item 4).</summary>
    public static bool IsValidKey(string? key)
    {
        if (key is null || key.Length != EncodedKeyLength)
            return false;
        Span<byte> decoded = stackalloc byte[DecodedKeyLength];
        return Convert.TryFromBase64String(key, decoded, out var written) && written == DecodedKeyLength;
    }

    /// <summary>
    /// Computes Sec-WebSocket-Accept: base64(SHA-1(key + GUID)). The only allocation is the returned string.
    /// <paramref name="key"/> must have passed <see cref="IsValidKey"/>.
    /// </summary>
    public static string Compute(string key)
    {
        Span<byte> input = stackalloc byte[EncodedKeyLength + 36];
        var keyBytes = Encoding.ASCII.GetBytes(key, input);
        Guid.CopyTo(input[keyBytes..]);
        Span<byte> hash = stackalloc byte[SHA1.HashSizeInBytes];
        SHA1.HashData(input[..(keyBytes + Guid.Length)], hash);
        return Convert.ToBase64String(hash);
    }
}
