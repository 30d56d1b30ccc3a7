using Akka.Actor;
using Broker.Core.Backplane;
using Broker.Core.Connections;
using Broker.Core.Topics;
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
        _positioning--;
        var (key, page) = (positioned.Topic, positioned.Page);
        var position = page.Position;
        var recovered = positioned.Since is { } since ? Covers(since, page) : (bool?)null;
        if (positioned.Id is { } id)
        {
            var reply = Reply();
            ServerMessageWriter.WriteSubscribeAck(reply, id, key, position.Epoch, position.Offset, recovered);
            SendReply(connection, reply);
        }
        if (recovered == true)
        {
            foreach (var message in page.Messages)
                connection.DeliverPastHoldBack(new SharedFrame(ServerMessageWriter.EncodeMessageFrame(key, message.Offset, message.Data.Span)));
        }
        if (positioned.Holding && !_held.Contains(key))
            connection.HoldBack.Cancel(key); // unsubscribed meanwhile: what was held is not for this client any more
        else if (positioned.Holding)
        {
            foreach (var frame in connection.HoldBack.Release(key, position.Offset))
                connection.DeliverPastHoldBack(frame);
        }
        PublishDeferred(connection);
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
