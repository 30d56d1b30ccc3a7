using System.Buffers;
using Akka.Actor;
using Broker.Core.Shards;
using Broker.Protocol;
using Broker.Protocol.Framing;

namespace Broker.Core.Connections;

/// <summary>The connection actor's protocol.</summary>
public static class Connection
{
    /// <summary>
    /// Props for one connection actor on <paramref name="shard"/>'s dispatcher; created by the
    /// <see cref="ConnectionSupervisorActor"/> supervisor.
    /// </summary>
    /// <remarks>
    /// Built on the shard's shared deployment: an expression with WithDispatcher/WithMailbox would make an expression
    /// tree and three props and deployments per connection, one of each kept for the actor's life.
    /// </remarks>
    public static Props Props(ConnectionSetup setup, Shard shard) =>
        new(shard.ConnectionDeploy, typeof(ConnectionActor), setup, shard);

    /// <summary>Queue a frame that was encoded once and is shared by many connections.</summary>
    public sealed record Deliver(SharedFrame Frame);

    /// <summary>Encode and queue one message for this connection only (compressed when negotiated).</summary>
    public sealed record Send(OpCode OpCode, ReadOnlyMemory<byte> Payload);

    /// <summary>Start the closing handshake with <paramref name="Status"/> (§7.1.2); queued frames are sent first.</summary>
    public sealed record Close(CloseStatus Status);

    /// <summary>
    /// From the read pump: bytes read from the socket. Deliberately not immutable: <see cref="Buffer"/> is the pipe's own
    /// memory, handed over without a copy. The pump keeps it stable (no AdvanceTo, no further read) until the actor
    /// answers through <see cref="Pump"/>, so the actor may parse it in place and the pump never reads ahead of the actor.
    /// </summary>
    internal sealed record BytesReceived(ReadOnlySequence<byte> Buffer, bool IsCompleted, ReadPump Pump);

    /// <summary>From the outbox: a shared frame did not fit the outbound bounds; close the slow consumer with 4000.</summary>
    internal sealed class Overflowed
    {
        public static readonly Overflowed Instance = new();
    }

    /// <summary>
    /// From the outbox, once per <see cref="IConnectionContext.NotifyWhenRoomForReplay"/>: it is under half full again.
    /// A handler message, so the handler that asked gets it in either state.
    /// </summary>
    public sealed class RoomForReplay : IHandlerMessage
    {
        public static readonly RoomForReplay Instance = new();

        private RoomForReplay()
        {
        }
    }

    /// <summary>From the <see cref="OutboundBudget"/>: the node is over it and this queue is among the largest; close with 4000.</summary>
    internal sealed class OverBudget
    {
        public static readonly OverBudget Instance = new();
    }

    /// <summary>From the read pump or the outbox: the socket failed or the peer vanished without a Close frame.</summary>
    internal sealed record TransportFailed(string Reason);

    /// <summary>Shared heartbeat tick sent by the supervisor to every connection (one timer for the whole node).</summary>
    internal sealed class HeartbeatTick
    {
        public static readonly HeartbeatTick Instance = new();
    }

    /// <summary>The peer did not answer our Close in time.</summary>
    internal sealed class CloseTimeout
    {
        public static readonly CloseTimeout Instance = new();
    }
}
