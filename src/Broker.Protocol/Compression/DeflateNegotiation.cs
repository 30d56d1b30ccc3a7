namespace Broker.Protocol.Compression;

/// <summary>Negotiates permessage-deflate from a client's Sec-WebSocket-Extensions offers (RFC 7692 §5, §7.1).</summary>
public static class DeflateNegotiation
{
    /// <summary>
    /// Accepts the first permessage-deflate offer the server can honour. Returns false (no extension) when compression is
    /// disabled or no offer is acceptable; <paramref name="responseHeader"/> is then null.
    /// </summary>
    public static bool TryNegotiate(IEnumerable<string> extensionHeaderValues, DeflateSettings settings,
        out DeflateParameters? parameters, out string? responseHeader) => throw new NotImplementedException();
}
