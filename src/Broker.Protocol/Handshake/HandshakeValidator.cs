using Broker.Protocol.Compression;

namespace Broker.Protocol.Handshake;

/// <summary>
/// Decides a WebSocket opening handshake (RFC 6455 §4.2.1, §4.2.2) from the request's method, version and headers.
/// Pure: no HTTP server types, so the rules are unit-tested without a socket.
/// </summary>
/// <remarks>
/// Rules in the order they are checked:
/// <list type="number">
/// <item>Method other than GET: 405 with <c>Allow: GET</c>.</item>
/// <item>HTTP version other than HTTP/1.1: 400. §4.1 needs HTTP/1.1 or higher, but the Upgrade mechanism only exists in
/// HTTP/1.1 (HTTP/1.0 has no Upgrade; HTTP/2 and HTTP/3 bootstrap WebSockets with extended CONNECT, not GET).</item>
/// <item>No <c>Upgrade: websocket</c> or no <c>upgrade</c> token in Connection (both case-insensitive, comma lists): 426
/// with <c>Upgrade: websocket</c> (RFC 9110 §15.5.22 requires the Upgrade header on 426).</item>
/// <item>Sec-WebSocket-Version other than 13: 426 with <c>Sec-WebSocket-Version: 13</c> (§4.4).</item>
/// <item>Sec-WebSocket-Key that is not base64 of exactly 16 bytes: 400.</item>
/// <item>Origin not in a non-empty allow-list: 403 (§4.2.2 item 4). A request without Origin is accepted: Origin
/// protects browsers, which always send it; any other client can send whatever Origin it likes anyway.</item>
/// </list>
/// Then the first server subprotocol (in server preference order) that the client offered is chosen, and
/// permessage-deflate is negotiated by <see cref="DeflateNegotiation.TryNegotiate"/>.
/// </remarks>
public static class HandshakeValidator
{
    /// <summary>The only Sec-WebSocket-Version this server speaks (RFC 6455 §4.1).</summary>
    public const string SupportedVersion = "13";

    private static readonly KeyValuePair<string, string> UpgradeWebSocket = new("Upgrade", "websocket");
    private static readonly KeyValuePair<string, string> VersionHeader = new("Sec-WebSocket-Version", SupportedVersion);

    /// <summary>Validates <paramref name="request"/> against <paramref name="options"/>.</summary>
    public static HandshakeResult Validate(HandshakeRequest request, HandshakeOptions options)
    {
        if (!string.Equals(request.Method, "GET", StringComparison.Ordinal))
            return HandshakeResult.Reject(405, "WebSocket handshakes use GET", Header("Allow", "GET"));
        if (!string.Equals(request.Protocol, "HTTP/1.1", StringComparison.Ordinal))
            return HandshakeResult.Reject(400, "WebSocket handshakes need HTTP/1.1");
        if (!HeaderTokens.Contains(request.Upgrade, "websocket") || !HeaderTokens.Contains(request.Connection, "upgrade"))
            return HandshakeResult.Reject(426, "this endpoint only speaks WebSocket", UpgradeWebSocket, Header("Connection", "Upgrade"));
        if (!string.Equals(request.Version?.Trim(), SupportedVersion, StringComparison.Ordinal))
            return HandshakeResult.Reject(426, "unsupported Sec-WebSocket-Version; use 13", UpgradeWebSocket, VersionHeader);
        if (!AcceptKey.IsValidKey(request.Key?.Trim()))
            return HandshakeResult.Reject(400, "Sec-WebSocket-Key must be base64 of 16 bytes");
        if (!IsOriginAllowed(request.Origin, options.AllowedOrigins))
            return HandshakeResult.Reject(403, "origin not allowed");

        var headers = new List<KeyValuePair<string, string>>(5)
        {
            UpgradeWebSocket,
            new("Connection", "Upgrade"),
            new("Sec-WebSocket-Accept", AcceptKey.Compute(request.Key!.Trim())),
        };
        var subprotocol = ChooseSubprotocol(request.Subprotocols, options.Subprotocols);
        if (subprotocol is not null)
            headers.Add(new("Sec-WebSocket-Protocol", subprotocol));
        DeflateParameters? deflate = null;
        if (options.Deflate.Enabled && !string.IsNullOrWhiteSpace(request.Extensions)
            && DeflateNegotiation.TryNegotiate([request.Extensions], options.Deflate, out deflate, out var extensionHeader))
        {
            headers.Add(new("Sec-WebSocket-Extensions", extensionHeader!));
        }
        return HandshakeResult.Accept(headers, subprotocol, deflate);
    }

    private static KeyValuePair<string, string> Header(string name, string value) => new(name, value);

    private static bool IsOriginAllowed(string? origin, IReadOnlyList<string> allowed)
    {
        if (allowed.Count == 0 || origin is null)
            return true;
        foreach (var candidate in allowed)
        {
            if (string.Equals(candidate, origin, StringComparison.OrdinalIgnoreCase))
                return true;
        }
        return false;
    }

    // §4.2.2 item 5.4 (/subprotocol/): subprotocol names are case-sensitive tokens.
    private static string? ChooseSubprotocol(string? offered, IReadOnlyList<string> supported)
    {
        foreach (var candidate in supported)
        {
            if (HeaderTokens.Contains(offered, candidate, StringComparison.Ordinal))
                return candidate;
        }
        return null;
    }
}
