
namespace Broker.Core.Presence;

/// <summary>
/// Who is subscribed to each concrete topic whose namespace has <c>presence</c> or <c>join-leave</c> on, cluster-wide
/// (docs/architecture.md "Presence"). Implemented by the backplane, which also carries the <c>join</c>/<c>leave</c>
/// events (<see cref="Backplane.IBackplaneSink.Announce"/>) in order with the topic's messages. Join and leave never
/// wait: a store that is unreachable catches up on its own (Redis: the node's next refresh pass).
/// </summary>
public interface IPresence
{
    /// <summary>
    /// <paramref name="member"/> (a connection of this node) is subscribed to <paramref name="topic"/>; idempotent. Announces a join when the namespace has join-leave on and the topic holds no
    /// more than its <c>join-leave-max-subscribers</c>.
    /// </summary>
    void Join(string topic, PresenceMember member);

    /// <summary><paramref name="client"/> left <paramref name="topic"/>; idempotent. Announces a leave as <see cref="Join"/> does.</summary>
    void Leave(string topic, string client);

    /// <summary>Every client in <paramref name="topic"/>'s presence, cluster-wide.</summary>
    ValueTask<IReadOnlyList<PresenceMember>> ListAsync(string topic, CancellationToken cancellationToken = default);

    /// <summary>The counts of <paramref name="topic"/>'s presence, answered from counters (no scan).</summary>
    ValueTask<PresenceStats> StatsAsync(string topic, CancellationToken cancellationToken = default);
}
