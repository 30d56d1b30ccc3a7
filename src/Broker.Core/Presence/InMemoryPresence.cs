using Broker.Core.Backplane;
using Broker.Core.Namespaces;

namespace Broker.Core.Presence;

/// <summary>
/// Presence of the single-node backplane: per topic its clients and a reference count per user, so both counts of
/// presence_stats are dictionary sizes (O(1)). Every connection leaves when it closes or stops, and a node that dies
/// takes the whole presence with it, so entries need no expiry here. Announcements are made under the lock, so each
/// topic's joins and leaves reach the sink in the order they happened.
/// </summary>
public sealed class InMemoryPresence(NamespaceTable namespaces, IBackplaneSink sink) : IPresence
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Room> _rooms = new(StringComparer.Ordinal);

    /// <summary>Topics with at least one client.</summary>
    public int TopicCount
    {
        get
        {
            lock (_lock)
                return _rooms.Count;
        }
    }

    /// <inheritdoc />
    public void Join(string topic, PresenceMember member)
    {
        lock (_lock)
        {
            if (!_rooms.TryGetValue(topic, out var room))
                _rooms.Add(topic, room = new Room());
            if (!room.Clients.TryAdd(member.Client, member.User))
                return;
            if (member.User is { } user)
                room.Users[user] = room.Users.GetValueOrDefault(user) + 1;
            Announce(topic, room.Clients.Count, new PresenceEvent(true, member));
        }
    }

    /// <inheritdoc />
    public void Leave(string topic, string client)
    {
        lock (_lock)
        {
            if (!_rooms.TryGetValue(topic, out var room) || !room.Clients.Remove(client, out var left))
                return;
            if (left is { } user && (room.Users[user] -= 1) == 0)
                room.Users.Remove(user);
            Announce(topic, room.Clients.Count + 1, new PresenceEvent(false, new PresenceMember(client, left)));
            if (room.Clients.Count == 0)
                _rooms.Remove(topic);
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PresenceMember>> ListAsync(string topic, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<PresenceMember> members = _rooms.TryGetValue(topic, out var room)
                ? room.Clients.Select(c => new PresenceMember(c.Key, c.Value)).ToArray()
                : [];
            return ValueTask.FromResult(members);
        }
    }

    /// <inheritdoc />
    public ValueTask<PresenceStats> StatsAsync(string topic, CancellationToken cancellationToken = default)
    {
        lock (_lock)
            return ValueTask.FromResult(_rooms.TryGetValue(topic, out var room)
                ? new PresenceStats(room.Clients.Count, room.Users.Count)
                : default);
    }

    // A join or leave is announced while the room holds at most join-leave-max-subscribers clients (counted with the
    // client in question), so a crowded room costs no fan-out per arrival.
    private void Announce(string topic, int count, PresenceEvent presence)
    {
        var options = namespaces.Resolve(topic);
        if (options.JoinLeave && count <= options.JoinLeaveMaxSubscribers)
            sink.Announce(topic, presence);
    }

    private sealed class Room
    {
        public Dictionary<string, string?> Clients { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, int> Users { get; } = new(StringComparer.Ordinal);
    }
}
