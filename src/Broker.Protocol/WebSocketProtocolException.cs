namespace Broker.Protocol;

/// <summary>
/// The peer broke a rule of RFC 6455/7692. The connection answers with a Close frame carrying <see cref="Status"/>
/// and stops; no other connection is affected.
/// </summary>
public sealed class WebSocketProtocolException(CloseStatus status, string reason) : Exception(reason)
{
    /// <summary>The close code to send to the peer.</summary>
    public CloseStatus Status { get; } = status;
}
