using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Broker.Core.Backplane;
using Broker.Core.Presence;

namespace Broker.Core.Metrics;

/// <summary>
/// Remembers the last offset of every topic this node receives, on the way from the backplane to the node's sink, so
/// the admin page can show each topic's message rate (offsets grow by one per publish, cluster-wide). Per message per
/// node, not per subscriber: one dictionary read and one volatile write; a topic's first message adds its entry.
/// </summary>
public sealed class TopicActivity(IBackplaneSink inner) : IBackplaneSink
{
    private readonly ConcurrentDictionary<string, StrongBox<long>> _offsets = new(StringComparer.Ordinal);

    public void Deliver(string topic, long offset, ReadOnlyMemory<byte> data)
    {
        Volatile.Write(ref _offsets.GetOrAdd(topic, static _ => new StrongBox<long>()).Value, offset);
        inner.Deliver(topic, offset, data);
    }

    // A new epoch starts its offsets at 1 again: the rate restarts from there.
    public void Reset(string topic, string epoch)
    {
        Forget(topic);
        inner.Reset(topic, epoch);
    }

    public void Announce(string topic, PresenceEvent presence) => inner.Announce(topic, presence);

    /// <summary>Every topic seen with its last offset.</summary>
    public IEnumerable<KeyValuePair<string, long>> Snapshot() =>
        _offsets.Select(entry => KeyValuePair.Create(entry.Key, Volatile.Read(ref entry.Value.Value)));

    /// <summary>Drops a topic that went quiet, so the map follows the node's current interest.</summary>
    public void Forget(string topic) => _offsets.TryRemove(topic, out _);
}
