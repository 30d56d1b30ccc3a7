using System.Buffers;
using Broker.Protocol.Framing;

namespace Broker.Core.Connections;

/// <summary>
/// The per-endpoint strategy inside a connection actor: what data messages mean (echo on /echo, the pub/sub protocol
/// on /ws). Called on the actor's thread only, so an implementation may keep per-connection state without locks.
/// </summary>
public interface IMessageHandler
{
    /// <summary>One complete Text or Binary message. <paramref name="payload"/> is only valid during the call.</summary>
    void OnMessage(IConnectionContext connection, OpCode opCode, in ReadOnlySequence<byte> payload);

    /// <summary>A message for the handler (e.g. a topic's reply), in any state; return false if this handler does not know it.</summary>
    bool OnHandlerMessage(IConnectionContext connection, IHandlerMessage message) => false;

    /// <summary>The connection actor started: the handler may announce the connection (e.g. register its user).</summary>
    void OnOpen(IConnectionContext connection)
    {
    }

    /// <summary>The node-wide heartbeat tick reached this open connection: check the handler's own deadlines.</summary>
    void OnHeartbeat(IConnectionContext connection)
    {
    }

    /// <summary>
    /// Our Close frame is queued (the closing handshake started, or the actor stops): nothing more can be sent, so
    /// release what feeds the connection (subscriptions) now rather than when the peer answers.
    /// </summary>
    void OnClosing(IConnectionContext connection)
    {
    }

    /// <summary>The connection is stopping: release what it holds (subscriptions). Nothing can be sent any more.</summary>
    void OnStopped(IConnectionContext connection);
}
