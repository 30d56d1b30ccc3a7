using System.Buffers;
using Akka.Actor;
using Broker.Protocol;
using Broker.Protocol.Framing;

namespace Broker.Core.Connections;

/// <summary>What an <see cref="IMessageHandler"/> may do with its connection. Valid on the actor's thread only.</summary>
public interface IConnectionContext
{
    /// <summary>The connection actor (subscribe it to topics).</summary>
    IActorRef Self { get; }

    /// <summary>The actor context, for watching and creating actors.</summary>
    IActorContext ActorContext { get; }

    /// <summary>The subprotocol negotiated in the handshake, or null.</summary>
    string? Subprotocol { get; }

    /// <summary>Encodes one message for this connection (compressed when negotiated) and queues it.</summary>
    void Send(OpCode opCode, ReadOnlySpan<byte> payload);

    /// <summary>Encodes one message held in a sequence (e.g. a received payload) and queues it.</summary>
    void Send(OpCode opCode, in ReadOnlySequence<byte> payload);

    /// <summary>What topics hold for this connection (its outbox on its shard).</summary>
    Subscriber Subscriber { get; }

    /// <summary>Holds a topic's live deliveries while its subscribe ack and replay are written (allocated on first use).</summary>
    DeliveryHoldBack HoldBack { get; }

    /// <summary>Queues a shared frame past the hold-back: the replay, and the live frames the hold-back released.</summary>
    void DeliverPastHoldBack(SharedFrame frame);

    /// <summary>
    /// Stops parsing after the current message and stops reading the socket (TCP backpressure on the peer) until
    /// <see cref="ResumeReading"/>; what is already buffered stays unparsed.
    /// </summary>
    void PauseReading();

    /// <summary>Parses what <see cref="PauseReading"/> left buffered and reads the socket again.</summary>
    void ResumeReading();

    /// <summary>
    /// The outbox holds under half of its bounds (<c>max-queued-messages</c>, <c>max-queued-bytes</c>): a replay goes on
    /// only then, so a long one is paced by the client's reading instead of overflowing the outbox (4000).
    /// </summary>
    bool HasRoomForReplay { get; }

    /// <summary>
    /// Asks for one <see cref="Connection.RoomForReplay"/> (through <see cref="IMessageHandler.OnHandlerMessage"/>) once
    /// <see cref="HasRoomForReplay"/> holds again: after the flush that brings the outbox under half, or at once if it
    /// already is. Asking again before it came is the same request. Nothing comes once the connection has closed.
    /// </summary>
    void NotifyWhenRoomForReplay();

    /// <summary>Starts the closing handshake.</summary>
    void Close(CloseStatus status);
}
