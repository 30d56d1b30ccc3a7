using System.Text.Json;

namespace Broker.Client;

public sealed partial class BrokerClient
{
    // The join and leave events handed to the handlers so far, chained: the protocol gives each topic's joins and leaves
    // one order, which Raise's separate pool items would not keep. Receive loop only.
    private Task _presenceChanges = Task.CompletedTask;

    /// <summary>
    /// Raised when another connection subscribes to a concrete topic this client is subscribed to (not a pattern), where
    /// the topic's namespace has <c>join-leave</c> on (docs/protocol.md, Presence); never about this client itself. Joins
    /// and leaves reach the handlers one at a time, in the order the broker sent them, on a pool thread (keep handlers
    /// short). They are not replayed after a reconnect: read <see cref="PresenceAsync"/> again.
    /// </summary>
    public event Action<PresenceChange>? Joined;

    /// <summary>Raised when another connection unsubscribes from or disconnects from such a topic (see <see cref="Joined"/>).</summary>
    public event Action<PresenceChange>? Left;

    /// <summary>
    /// Who is subscribed to a concrete topic, cluster-wide. Needs an open connection (<c>not_connected</c> otherwise);
    /// fails with the broker's code: <c>not_available</c> where the topic's namespace has presence off, <c>forbidden</c>
    /// without permission to subscribe to it, <c>bad_topic</c>, ...
    /// </summary>
    public async Task<PresenceResult> PresenceAsync(string topic, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var reply = await QueryAsync("presence", id => Commands.Presence(id, topic), cancellationToken).ConfigureAwait(false);
        return new PresenceResult(topic, [.. reply.GetProperty("clients"u8).EnumerateArray().Select(MemberOf)]);
    }

    /// <summary>
    /// How many connections are subscribed to a concrete topic and how many distinct users they belong to (the broker
    /// answers from counters, however large the topic). Fails like <see cref="PresenceAsync"/>.
    /// </summary>
    public async Task<PresenceStats> PresenceStatsAsync(string topic, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var reply = await QueryAsync("presence_stats", id => Commands.PresenceStats(id, topic), cancellationToken)
            .ConfigureAwait(false);
        return new PresenceStats(topic, reply.GetProperty("clients"u8).GetInt64(), reply.GetProperty("users"u8).GetInt64());
    }

    // A join or leave frame, in the receive loop.
    private void OnPresenceChanged(bool joined, JsonElement frame)
    {
        if ((joined ? Joined : Left) is not { } handler)
            return;
        var change = new PresenceChange(frame.GetProperty("topic"u8).GetString()!, MemberOf(frame));
        _presenceChanges = _presenceChanges.ContinueWith(_ => Deliver(handler, change), CancellationToken.None,
            TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private void Deliver(Action<PresenceChange> handler, PresenceChange change)
    {
        try
        {
            handler(change);
        }
        catch (Exception e)
        {
            Report(e); // a failing handler must not stop the events after it
        }
    }

    // An entry of `presence`'s clients, or the member of a join/leave frame; a missing user is anonymous, as null is.
    private static PresenceMember MemberOf(JsonElement entry) => new(
        entry.GetProperty("client"u8).GetString()!,
        entry.TryGetProperty("user"u8, out var user) ? user.GetString() : null);
}
