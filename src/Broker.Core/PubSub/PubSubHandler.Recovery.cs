using Akka.Actor;
using Broker.Core.Backplane;
using Broker.Core.Connections;
using Broker.Protocol.Client;

namespace Broker.Core.PubSub;

// A concrete subscribe is acked with the topic's epoch and latest offset, read after the subscription is in place; with
// "since" the read also fetches what the client missed. The first subscribe of a topic holds the topic's live frames
// in the connection (DeliveryHoldBack) until the ack and the replay are written: the client sees ack, replay, live,
// with no gap (the subscription was in place before the read, so anything newer than the read arrives live) and no
// duplicate (live messages the read covered are dropped at release). Publishes of this connection wait meanwhile, so
// a pipelined subscribe + publish still delivers the client's own message after the ack.
public sealed partial class PubSubHandler
{
    private int _positioning;
    // Replays waiting for room in the outbox, oldest first (allocated only while one waits). While it is not empty a
    // Connection.RoomForReplay has been asked for and not yet handled.
    private Queue<ReplayState>? _waitingReplays;

    /// <summary>A replay under way: the page read, and the next message to write.</summary>
    private sealed class ReplayState(string topic, bool holding, HistoryPage page, int next)
    {
        public string Topic { get; } = topic;
        public bool Holding { get; } = holding;
        public HistoryPage Page { get; } = page;
        public int Next { get; set; } = next;
    }

    private void ReadPosition(IConnectionContext connection, string key, PendingReply reply)
    {
        _positioning++;
        var (id, since, holding) = (reply.Id, reply.Since, reply.Holding);
        var limit = since is null ? 0 : _services.Namespaces.Resolve(key).History.Size;
        Task<HistoryPage> read;
        try
        {
            read = since is null
                ? PositionOnly(_services.Backplane.PositionAsync(key))
                : _services.Backplane.ReadHistoryAsync(key, since.Offset, limit).AsTask();
        }
        catch (Exception e)
        {
            read = Task.FromException<HistoryPage>(e);
        }
        read.PipeTo(connection.Self,
            success: page => new PubSub.Positioned(key, id, since, holding, page),
            failure: cause => new PubSub.PositionFailed(key, id, holding, cause));
    }

    private static async Task<HistoryPage> PositionOnly(ValueTask<TopicPosition> position) =>
        new(await position.ConfigureAwait(false), []);

    private void OnPositioned(IConnectionContext connection, PubSub.Positioned positioned)
    {
        var (key, page) = (positioned.Topic, positioned.Page);
        var position = page.Position;
        var recovered = positioned.Since is { } since ? Covers(since, page) : (bool?)null;
        if (positioned.Id is { } id)
        {
            var reply = Reply();
            ServerMessageWriter.WriteSubscribeAck(reply, id, key, position.Epoch, position.Offset, recovered);
            SendReply(connection, reply);
        }
        var replay = new ReplayState(key, positioned.Holding, page, recovered == true ? 0 : page.Messages.Count);
        if (_waitingReplays is not null)
        {
            _waitingReplays.Enqueue(replay); // behind those already waiting: RoomForReplay resumes them in order
            return;
        }
        if (!WriteReplay(connection, replay))
        {
            (_waitingReplays = new Queue<ReplayState>()).Enqueue(replay);
            connection.NotifyWhenRoomForReplay();
            return;
        }
        EndReplay(connection, replay);
        PublishDeferred(connection);
    }

    // Writes the replay while the outbox has room; false when it ran out first. A replay longer than that goes on once
    // the client has read the outbox down below half (the outbox then tells RoomForReplay), so recovering a backlog as
    // large as the history never overflows the outbox into a 4000 close. Live frames stay held and this connection's
    // publishes stay deferred until the replay is whole: ack, replay, live, in that order.
    private bool WriteReplay(IConnectionContext connection, ReplayState replay)
    {
        var (key, messages) = (replay.Topic, replay.Page.Messages);
        while (replay.Next < messages.Count)
        {
            if (replay.Holding && !_held.Contains(key))
                return true; // unsubscribed meanwhile: the rest is not for this client any more
            if (!connection.HasRoomForReplay)
                return false;
            var message = messages[replay.Next++];
            connection.DeliverPastHoldBack(new SharedFrame(ServerMessageWriter.EncodeMessageFrame(key, message.Offset, message.Data.Span)));
        }
        return true;
    }

    // The outbox is under half full again: the oldest waiting replay goes on first, and a later one only once every
    // replay before it is whole, so each topic's pages go out once and in offset order and none waits forever behind
    // a newer one. Out of room again, it asks again.
    private void ResumeReplays(IConnectionContext connection)
    {
        if (_waitingReplays is not { } waiting)
            return; // dropped when the connection closed
        while (waiting.TryPeek(out var replay))
        {
            if (!WriteReplay(connection, replay))
            {
                connection.NotifyWhenRoomForReplay();
                return;
            }
            waiting.Dequeue();
            EndReplay(connection, replay);
        }
        _waitingReplays = null;
        PublishDeferred(connection);
    }

    // The replay is written (or cut short by an unsubscribe): the topic's held live frames follow it, or are dropped
    // when the client no longer holds the topic.
    private void EndReplay(IConnectionContext connection, ReplayState replay)
    {
        var key = replay.Topic;
        _positioning--;
        if (replay.Holding && !_held.Contains(key))
            connection.HoldBack.Cancel(key); // unsubscribed meanwhile: what was held is not for this client any more
        else if (replay.Holding)
        {
            foreach (var frame in connection.HoldBack.Release(key, replay.Page.Position.Offset))
                connection.DeliverPastHoldBack(frame);
        }
    }

    // The connection is closing or stopped, and UnsubscribeAll has released every key: each waiting replay ends as one
    // cut short by an unsubscribe does (its hold-back cancelled, no more pages), so none outlives the connection.
    private void DropWaitingReplays(IConnectionContext connection)
    {
        if (_waitingReplays is not { } waiting)
            return;
        _waitingReplays = null;
        foreach (var replay in waiting)
            EndReplay(connection, replay);
    }

    // The replay is whole: same epoch, not ahead of the topic, and history reaches from since+1 to the latest.
    private static bool Covers(StreamPosition since, HistoryPage page) =>
        string.Equals(since.Epoch, page.Position.Epoch, StringComparison.Ordinal)
        && since.Offset <= page.Position.Offset && page.IsWholeAfter(since.Offset);

    // Without an epoch the client could not recover later: undo the subscription and let it retry.
    private void OnPositionFailed(IConnectionContext connection, PubSub.PositionFailed failed)
    {
        _positioning--;
        var key = failed.Topic;
        if (failed.Holding)
            connection.HoldBack.Cancel(key);
        DropHeld(connection, key);
        Error(connection, failed.Id, ClientError.BackplaneUnavailable,
            $"the backplane could not read the position of {key}; the subscription was undone, try again");
        PublishDeferred(connection);
    }
}
