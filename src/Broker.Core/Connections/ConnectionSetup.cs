using System.IO.Pipelines;
using Broker.Core.Settings;
using Broker.Protocol.Compression;

namespace Broker.Core.Connections;

/// <summary>Everything a connection actor needs after a successful handshake.</summary>
/// <param name="Transport">The upgraded socket's pipes; the actor's pumps own them until <see cref="Completion"/> ends.</param>
/// <param name="Abort">Drops the TCP connection at once (used when the peer does not finish the close handshake).</param>
/// <param name="Handler">What to do with data messages: echo, or the pub/sub protocol.</param>
/// <param name="Deflate">Negotiated permessage-deflate parameters, or null.</param>
/// <param name="Subprotocol">Negotiated subprotocol, or null.</param>
/// <param name="Settings">The websocket settings.</param>
/// <param name="Counters">Node-wide counters.</param>
public sealed record ConnectionSetup(
    IDuplexPipe Transport,
    Action Abort,
    IMessageHandler Handler,
    DeflateParameters? Deflate,
    string? Subprotocol,
    WebSocketSettings Settings,
    ConnectionCounters Counters)
{
    private LazyCompletion _completion;

    /// <summary>
    /// Runs once, when the actor has stopped and both pumps have let go of <see cref="Transport"/>: what a caller that
    /// does not wait per connection uses instead of <see cref="Completion"/> (a task and a continuation per connection).
    /// </summary>
    public Action? Released { get; init; }

    /// <summary>Completes when the actor has stopped and both pumps have let go of <see cref="Transport"/>.</summary>
    public Task Completion => _completion.Task;

    internal void Complete()
    {
        if (_completion.Complete())
            Released?.Invoke();
    }
}
