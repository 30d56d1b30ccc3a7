namespace Broker.Core.Presence;

/// <summary>
/// The presence entries of this node's own connections, per topic: what a shared store must keep refreshing for this
/// node (client → user). Joins and leaves are rare next to messages, so one lock guards it; a refresh pass copies it
/// out under the lock.
/// </summary>
public sealed class LocalPresence
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Dictionary<string, string?>> _topics = new(StringComparer.Ordinal);

    /// <summary>Topics with at least one local client.</summary>
    public int TopicCount
    {
        get
        {
            lock (_lock)
                return _topics.Count;
        }
    }

    /// <summary>Adds <paramref name="member"/> to <paramref name="topic"/>; false when it was there already.</summary>
    public bool Add(string topic, PresenceMember member)
    {
        lock (_lock)
        {
            if (!_topics.TryGetValue(topic, out var clients))
                _topics.Add(topic, clients = new Dictionary<string, string?>(StringComparer.Ordinal));
            return clients.TryAdd(member.Client, member.User);
        }
    }

    /// <summary>Removes <paramref name="client"/> from <paramref name="topic"/>; false when it was not there.</summary>
    public bool Remove(string topic, string client)
    {
        lock (_lock)
        {
            if (!_topics.TryGetValue(topic, out var clients) || !clients.Remove(client))
                return false;
            if (clients.Count == 0)
                _topics.Remove(topic);
            return true;
        }
    }

    /// <summary>The user of a local <paramref name="client"/> still in <paramref name="topic"/>, or false when it left.</summary>
    public bool TryGetMember(string topic, string client, out PresenceMember member)
    {
        lock (_lock)
        {
            if (_topics.TryGetValue(topic, out var clients) && clients.TryGetValue(client, out var user))
            {
                member = new PresenceMember(client, user);
                return true;
            }
        }
        member = default;
        return false;
    }

    /// <summary>A copy of every topic's local clients, for one refresh pass.</summary>
    public List<(string Topic, string[] Clients)> Snapshot()
    {
        lock (_lock)
            return _topics.Select(topic => (topic.Key, topic.Value.Keys.ToArray())).ToList();
    }
}
