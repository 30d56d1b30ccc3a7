namespace Broker.Client;

/// <summary>
/// A request the broker refused or the client could not complete. <see cref="Code"/> is one of the broker's stable error
/// codes (<c>bad_topic</c>, <c>rate_limited</c>, <c>backplane_unavailable</c>, ...; docs/protocol.md) or a client code:
/// <c>connection_lost</c> (sent, but the connection dropped before the answer: it may or may not have taken effect),
/// <c>queue_full</c> (too many publishes waiting for a connection), <c>closed</c> (the client is closed),
/// <c>handshake_rejected</c> (the broker answered the WebSocket handshake with an HTTP error), <c>unauthorized</c> (closed
/// with 4003: the token was refused), <c>disconnected</c> (closed with 4006: the server disconnected the user),
/// <c>unsubscribed</c> (the server removed one subscription), <c>not_connected</c> (a call that needs an open connection).
/// </summary>
public sealed class BrokerException(string code, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The stable error code.</summary>
    public string Code { get; } = code;

    internal static BrokerException Closed() => new("closed", "the client is closed");

    internal static BrokerException ConnectionLost() =>
        new("connection_lost", "the connection dropped before the broker answered; the request may or may not have taken effect");
}
