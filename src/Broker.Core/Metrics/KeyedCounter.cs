using System.Collections.Concurrent;

namespace Broker.Core.Metrics;

/// <summary>
/// Counts events per key (a close code, an HTTP status, a rate-limit kind) for labelled metrics. Meant for events that
/// are rare next to deliveries (a close, a rejected handshake, a rejected command): after a key's first event, counting
/// is one dictionary read and one interlocked add, no allocation.
/// </summary>
public sealed class KeyedCounter<TKey> where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Cell> _cells = new();

    /// <summary>Adds one to <paramref name="key"/>'s count.</summary>
    public void Increment(TKey key) =>
        Interlocked.Increment(ref _cells.GetOrAdd(key, static _ => new Cell()).Count);

    /// <summary>Every key seen so far with its count.</summary>
    public IEnumerable<KeyValuePair<TKey, long>> Snapshot() =>
        _cells.Select(cell => KeyValuePair.Create(cell.Key, Volatile.Read(ref cell.Value.Count)));

    /// <summary>The count for <paramref name="key"/>; 0 when it never happened.</summary>
    public long this[TKey key] => _cells.TryGetValue(key, out var cell) ? Volatile.Read(ref cell.Count) : 0;

    private sealed class Cell
    {
        public long Count;
    }
}
