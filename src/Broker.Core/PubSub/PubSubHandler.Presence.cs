using Akka.Actor;
using Broker.Core.Connections;
using Broker.Core.Presence;
using Broker.Protocol.Client;

namespace Broker.Core.PubSub;

// Presence (docs/protocol.md "Presence"). A connection is in the presence of each concrete topic it subscribed to whose
// namespace has presence or join-leave on: from the topic actor's confirmation of the subscribe (so a join is never
// announced for a subscription that failed) until the confirmation of its unsubscribe, or until the connection closes.
// presence and presence_stats need the same permission as a subscribe to the topic (checked in Authorize).
public sealed partial class PubSubHandler
{
    private HashSet<string>? _present;
    private string? _client;

    /// <summary>This connection's cluster-wide id: the authentication's, or a random one for a handler without auth.</summary>
    public string Client => _auth?.Client ?? (_client ??= Guid.NewGuid().ToString("N"));

    private IPresence? Presence => _services.Backplane as IPresence;

    // Only while the key is still held: a subscribe undone before its confirmation never enters presence.
    private void EnterPresence(IConnectionContext connection, string key)
    {
        if (TopicName.IsPattern(key) || !_held.Contains(key) || Presence is not { } presence
            || !_services.Namespaces.Resolve(key).TracksPresence)
            return;
        if ((_present ??= new HashSet<string>(StringComparer.Ordinal)).Add(key))
        {
            // Only a client in presence has join/leave events about it; the fan-out skips it for those by this id.
            connection.Subscriber.Client ??= Client;
            presence.Join(key, new PresenceMember(Client, _auth?.User));
        }
    }

    // Not while the key is held again (the client re-subscribed before the unsubscribe was confirmed).
    private void LeavePresence(string key)
    {
        if (_held.Contains(key) || _present is null || !_present.Remove(key))
            return;
        Presence!.Leave(key, Client);
    }

    private void LeaveAllPresence()
    {
        if (_present is null)
            return;
        foreach (var key in _present)
            Presence!.Leave(key, Client);
        _present = null;
    }

    private void QueryPresence(IConnectionContext connection, in ClientCommand command)
    {
        var (topic, id) = (command.Topic!, command.Id.CopyOrNull());
        if (Presence is not { } presence || !_services.Namespaces.Resolve(topic).Presence)
        {
            Reject(connection, command.Id, ClientError.NotAvailable, $"presence is off for the namespace of {topic}");
            return;
        }
        Accepted();
        if (command.Type == ClientCommandType.PresenceStats)
            Read(() => presence.StatsAsync(topic)).PipeTo(connection.Self,
                success: stats => new PubSub.PresenceStatsRead(topic, id, stats),
                failure: cause => new PubSub.PresenceFailed(topic, id, cause));
        else
            Read(() => presence.ListAsync(topic)).PipeTo(connection.Self,
                success: members => new PubSub.PresenceRead(topic, id, members),
                failure: cause => new PubSub.PresenceFailed(topic, id, cause));
    }

    private void OnPresenceRead(IConnectionContext connection, PubSub.PresenceRead read)
    {
        var reply = Reply();
        ServerMessageWriter.WritePresence(reply, read.Id, read.Topic, read.Members.Select(m => (m.Client, m.User)));
        SendReply(connection, reply);
    }

    private void OnPresenceStatsRead(IConnectionContext connection, PubSub.PresenceStatsRead read)
    {
        var reply = Reply();
        ServerMessageWriter.WritePresenceStats(reply, read.Id, read.Topic, read.Stats.Clients, read.Stats.Users);
        SendReply(connection, reply);
    }

    private void OnPresenceFailed(IConnectionContext connection, PubSub.PresenceFailed failed) =>
        Error(connection, failed.Id, ClientError.BackplaneUnavailable,
            $"the backplane could not read the presence of {failed.Topic}; try again");

    // A backplane call that throws before returning its task fails the same way as one whose task fails.
    private static Task<T> Read<T>(Func<ValueTask<T>> read)
    {
        try
        {
            return read().AsTask();
        }
        catch (Exception e)
        {
            return Task.FromException<T>(e);
        }
    }
}
