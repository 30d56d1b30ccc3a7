using System.Collections.Concurrent;
using Broker.Core.Backplane;

namespace Broker.Redis;

/// <summary>
/// Hands each (topic, offset) to the sink at most once per node, in increasing offset order per topic, although one
/// message can reach this node through several Redis subscriptions (a concrete SUBSCRIBE plus one PSUBSCRIBE per
/// matching pattern), each drained by its own sequential queue. Per topic it keeps the highest offset delivered and
/// drops anything at or below it; the per-topic lock makes the check and the sink call one step, so the sink is
/// called sequentially per topic, as <see cref="IBackplaneSink"/> requires.
/// </summary>
internal sealed class DeliveryGate(IBackplaneSink sink)
{
    private readonly ConcurrentDictionary<string, Cursor> _cursors = new(StringComparer.Ordinal);

    public void Deliver(string topic, long offset, ReadOnlyMemory<byte> data)
    {
        var cursor = _cursors.GetOrAdd(topic, static _ => new Cursor());
        lock (cursor)
        {
            if (offset <= cursor.Last) return;
            cursor.Last = offset;
            sink.Deliver(topic, offset, data);
        }
    }

    /// <summary>Forgets topics no remaining subscription covers, so the map does not outgrow the node's interest.</summary>
    public void Forget(Func<string, bool> stillCovered)
    {
        foreach (var topic in _cursors.Keys)
        {
            if (!stillCovered(topic)) _cursors.TryRemove(topic, out _);
        }
    }

    /// <summary>
    /// After Redis comes back, offsets are only trusted to continue if Redis persisted them; a Redis that lost its data
    /// restarts at 1, and remembered high-water marks would then silence those topics on this node.
    /// </summary>
    public void Reset() => _cursors.Clear();

    private sealed class Cursor
    {
        public long Last;
    }
}
