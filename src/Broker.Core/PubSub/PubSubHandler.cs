using System.Buffers;
using Broker.Core.Auth;
using Broker.Core.Connections;
using Broker.Core.Topics;
using Broker.Protocol;
using Broker.Protocol.Client;
using Broker.Protocol.Framing;

namespace Broker.Core.PubSub;

/// <summary>
/// The client protocol of <c>/ws</c> (docs/protocol.md) inside one connection actor: parses each text message into a
/// command, applies the limits of <c>broker.limits</c>, subscribes through the <see cref="TopicRegistry"/>, publishes
/// through the backplane, and answers with acks and errors. One instance per connection; every call runs on the
/// connection actor's thread, so the state needs no locks.
/// </summary>
public sealed partial class PubSubHandler : IMessageHandler
{
    // Replies are written here, then copied once into the connection's pooled frame: one buffer per thread rather than
    // one per connection (memory per idle connection).
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_reply;

    private readonly PubSubServices _services;
    private TokenBucket _bucket;
    private TokenBucket _subscribeBucket;
    private int _violations;

    /// <summary>Creates the handler of one connection; <paramref name="auth"/> null runs without authentication or permissions.</summary>
    public PubSubHandler(PubSubServices services, ConnectionAuth? auth = null)
    {
        _services = services;
        _auth = auth;
        var settings = services.Settings;
        _bucket = new TokenBucket(settings.PublishRate ?? 0, settings.PublishBurst);
        _subscribeBucket = new TokenBucket(settings.SubscribeRate ?? 0, settings.SubscribeBurst);
    }

    /// <inheritdoc />
    public void OnMessage(IConnectionContext connection, OpCode opCode, in ReadOnlySequence<byte> payload)
    {
        _services.Traffic.MessagesIn.Increment();
        if (opCode != OpCode.Text)
        {
            connection.Close(CloseStatus.UnsupportedData);
            return;
        }
        var command = ClientCommandParser.Parse(payload);
        if (!command.IsValid)
        {
            Reject(connection, command.Id, command.Error, command.ErrorMessage!);
            return;
        }
        if (!Authorize(connection, in command))
            return;
        switch (command.Type)
        {
            case ClientCommandType.Subscribe:
                Subscribe(connection, command);
                break;
            case ClientCommandType.Unsubscribe:
                Unsubscribe(connection, command);
                break;
            case ClientCommandType.Publish:
                Publish(connection, command);
                break;
            case ClientCommandType.History:
                History(connection, command);
                break;
            case ClientCommandType.Presence or ClientCommandType.PresenceStats:
                QueryPresence(connection, command);
                break;
            case ClientCommandType.Ping:
                Accepted();
                if (command.HasId)
                    Ack(connection, command.Id.FirstSpanOrCopy(), topic: null, offset: null);
                break;
        }
    }

    /// <inheritdoc />
    public bool OnHandlerMessage(IConnectionContext connection, IHandlerMessage message)
    {
        switch (message)
        {
            case TopicRegistry.SubscribeAck ack:
                OnSubscribed(connection, ack.Key);
                return true;
            case TopicRegistry.SubscribeRejected rejected:
                OnSubscribeRejected(connection, rejected.Key, rejected.Reason);
                return true;
            case TopicRegistry.UnsubscribeAck ack:
                OnUnsubscribed(connection, ack.Key);
                return true;
            case PubSub.Published published:
                OnPublished(connection, published.Topic, published.Id, published.Outcome, published.Bytes);
                return true;
            case PubSub.Positioned positioned:
                OnPositioned(connection, positioned);
                return true;
            case PubSub.PositionFailed failed:
                OnPositionFailed(connection, failed);
                return true;
            case Connection.RoomForReplay:
                ResumeReplays(connection);
                return true;
            case PubSub.HistoryRead read:
                OnHistoryRead(connection, read);
                return true;
            case PubSub.HistoryFailed failed:
                OnHistoryFailed(connection, failed);
                return true;
            case PubSub.PresenceRead read:
                OnPresenceRead(connection, read);
                return true;
            case PubSub.PresenceStatsRead read:
                OnPresenceStatsRead(connection, read);
                return true;
            case PubSub.PresenceFailed failed:
                OnPresenceFailed(connection, failed);
                return true;
            case UserDirectory.DisconnectUser:
                connection.Close(CloseStatus.DisconnectedByServer);
                return true;
            case UserDirectory.UnsubscribeUser unsubscribe:
                ForceUnsubscribe(connection, unsubscribe.Topic);
                return true;
            case ConnectionAuth.TokenChecked result when _auth is not null:
                OnTokenChecked(connection, result);
                return true;
            default:
                return false;
        }
    }

    /// <inheritdoc />
    public void OnClosing(IConnectionContext connection)
    {
        UnsubscribeAll(connection);
        DropWaitingReplays(connection);
        PublishDeferred(connection); // as at the end of a replay: publishes deferred behind the dropped ones go out
    }

    // Topic actors do not watch subscribers (no DeathWatch per subscription): a stop without a Close (the transport
    // vanished) unsubscribes here. After OnClosing nothing is held any more, so this is then a no-op.
    /// <inheritdoc />
    public void OnStopped(IConnectionContext connection)
    {
        UnsubscribeAll(connection);
        DropWaitingReplays(connection);
        LeaveFlight();
    }

    private void Accepted() => _violations = 0;

    // docs/protocol.md: errors are always sent (with the id when there was one); max-violations in a row closes with 4002.
    private void Reject(IConnectionContext connection, in ReadOnlySequence<byte> id, ClientError error, string message)
    {
        Error(connection, id.FirstSpanOrCopy(), error, message);
        if (++_violations >= _services.Settings.MaxViolations)
            connection.Close(CloseStatus.TooManyViolations);
    }

    private void Ack(IConnectionContext connection, ReadOnlySpan<byte> id, string? topic, long? offset)
    {
        var reply = Reply();
        ServerMessageWriter.WriteAck(reply, id, topic, offset);
        SendReply(connection, reply);
    }

    private void Error(IConnectionContext connection, ReadOnlySpan<byte> id, ClientError error, string message)
    {
        var reply = Reply();
        ServerMessageWriter.WriteError(reply, id, error, message);
        SendReply(connection, reply);
    }

    private static ArrayBufferWriter<byte> Reply()
    {
        var reply = t_reply ??= new ArrayBufferWriter<byte>(256);
        reply.ResetWrittenCount();
        return reply;
    }

    private void SendReply(IConnectionContext connection, ArrayBufferWriter<byte> reply)
    {
        _services.Traffic.RepliesOut.Increment();
        connection.Send(OpCode.Text, reply.WrittenSpan);
    }
}
