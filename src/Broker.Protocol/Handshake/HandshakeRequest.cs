namespace Broker.Protocol.Handshake;

/// <summary>
/// The parts of an HTTP request that decide a WebSocket opening handshake (RFC 6455 §4.2.1). Header values are the raw
/// field values; a header sent several times is passed joined with commas, as HTTP allows for list-valued fields.
/// </summary>
/// <param name="Method">The request method, e.g. "GET".</param>
/// <param name="Protocol">The HTTP version token, e.g. "HTTP/1.1".</param>
/// <param name="Upgrade">The Upgrade header, or null when absent.</param>
/// <param name="Connection">The Connection header, or null when absent.</param>
/// <param name="Key">Sec-WebSocket-Key, or null when absent.</param>
/// <param name="Version">Sec-WebSocket-Version, or null when absent.</param>
/// <param name="Origin">Origin, or null when absent (non-browser clients usually send none).</param>
/// <param name="Subprotocols">Sec-WebSocket-Protocol: the client's offered subprotocols as a comma list, or null.</param>
/// <param name="Extensions">Sec-WebSocket-Extensions: the client's extension offers, or null.</param>
public sealed record HandshakeRequest(
    string Method,
    string Protocol,
    string? Upgrade,
    string? Connection,
    string? Key,
    string? Version,
    string? Origin = null,
    string? Subprotocols = null,
    string? Extensions = null);
