using Akka.Actor;
using Broker.Core.Connections;
using Broker.Protocol.Client;

namespace Broker.Core.PubSub;

// {"type":"history","id":..,"topic":T,"limit":K,"since":{..}}: the last K retained messages (all retained without
// limit), or those after since; never more than the namespace's history.size. A since of another epoch gets the
// current epoch and offset with no messages: its offsets mean nothing in this epoch.
public sealed partial class PubSubHandler
{
    private void History(IConnectionContext connection, in ClientCommand command)
    {
        Accepted();
        var (topic, id, since) = (command.Topic!, command.Id.CopyOrNull(), command.Since);
        var size = _services.Namespaces.Resolve(topic).History.Size;
        var limit = Math.Min(command.Limit ?? size, size);
        Read(() => _services.Backplane.ReadHistoryAsync(topic, since?.Offset, limit)).PipeTo(connection.Self,
            success: page => new PubSub.HistoryRead(topic, id, since, page),
            failure: cause => new PubSub.HistoryFailed(topic, id, cause));
    }

    private void OnHistoryRead(IConnectionContext connection, PubSub.HistoryRead read)
    {
        var (epoch, offset) = read.Page.Position;
        var messages = read.Since is { } since && !string.Equals(since.Epoch, epoch, StringComparison.Ordinal)
            ? []
            : read.Page.Messages;
        var reply = Reply();
        ServerMessageWriter.WriteHistory(reply, read.Id, read.Topic, epoch, offset,
            messages.Select(m => (m.Offset, m.Data)));
        SendReply(connection, reply);
    }

    private void OnHistoryFailed(IConnectionContext connection, PubSub.HistoryFailed failed) =>
        Error(connection, failed.Id, ClientError.BackplaneUnavailable,
            $"the backplane could not read the history of {failed.Topic}; try again");
}
