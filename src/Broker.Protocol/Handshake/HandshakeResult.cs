using Broker.Protocol.Compression;

namespace Broker.Protocol.Handshake;

/// <summary>
/// The outcome of <see cref="HandshakeValidator.Validate"/>: either an accepted handshake (status 101 and the headers
/// to send with it) or a rejection (an HTTP status, a short plain-text body and any headers the status requires).
/// </summary>
public sealed class HandshakeResult
{
    private HandshakeResult(int statusCode, string body, IReadOnlyList<KeyValuePair<string, string>> headers,
        string? subprotocol, DeflateParameters? deflate)
    {
        StatusCode = statusCode;
        Body = body;
        Headers = headers;
        Subprotocol = subprotocol;
        Deflate = deflate;
    }

    /// <summary>True when the server switches to WebSocket (<see cref="StatusCode"/> is 101).</summary>
    public bool IsAccepted => StatusCode == 101;

    /// <summary>101 when accepted; otherwise the HTTP status to answer with (400, 403, 405, 426).</summary>
    public int StatusCode { get; }

    /// <summary>Why the request was rejected, as a short plain-text body; empty when accepted.</summary>
    public string Body { get; }

    /// <summary>
    /// Response headers: when accepted, Upgrade, Connection, Sec-WebSocket-Accept and the negotiated
    /// Sec-WebSocket-Protocol and Sec-WebSocket-Extensions; when rejected, the headers the status requires
    /// (426 carries Upgrade and Sec-WebSocket-Version: 13, 405 carries Allow).
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>The subprotocol chosen, or null when none was offered or none matched.</summary>
    public string? Subprotocol { get; }

    /// <summary>The negotiated permessage-deflate parameters, or null when compression is off for this connection.</summary>
    public DeflateParameters? Deflate { get; }

    internal static HandshakeResult Accept(IReadOnlyList<KeyValuePair<string, string>> headers, string? subprotocol,
        DeflateParameters? deflate) => new(101, "", headers, subprotocol, deflate);

    internal static HandshakeResult Reject(int statusCode, string body, params KeyValuePair<string, string>[] headers) =>
        new(statusCode, body, headers, null, null);
}
