using System.Collections.Concurrent;
using Akka.Actor;

namespace Broker.Core.Connections;

/// <summary>
/// The node-wide budget for outbound bytes (<c>broker.limits.max-outbound-bytes</c>): the sum of every connection's
/// queued bytes (the <c>broker_outbound_queued_bytes</c> gauge). Above it new subscribes are refused (error
/// <c>overloaded</c>), and on each heartbeat tick the connections with the largest queues are closed as slow consumers
/// (4000), largest first, until what stays queued fits. Per-connection bounds (max-queued-bytes) catch one slow reader;
/// this catches many moderately slow ones that together would exhaust the node.
/// </summary>
public sealed class OutboundBudget
{
    private readonly ConnectionCounters _counters;
    private readonly ConcurrentDictionary<ConnectionOutbox, IActorRef> _outboxes = new();

    /// <summary>Creates the budget; <paramref name="maxBytes"/> null means no node-wide budget.</summary>
    public OutboundBudget(ConnectionCounters counters, long? maxBytes)
    {
        _counters = counters;
        MaxBytes = maxBytes;
    }

    /// <summary>The budget in bytes; null: none.</summary>
    public long? MaxBytes { get; }

    /// <summary>True while the node's queued outbound bytes exceed the budget.</summary>
    public bool IsOver => MaxBytes is { } max && _counters.Traffic.QueuedBytes.Value > max;

    internal void Register(ConnectionOutbox outbox, IActorRef actor)
    {
        if (MaxBytes is not null)
            _outboxes[outbox] = actor;
    }

    internal void Unregister(ConnectionOutbox outbox) => _outboxes.TryRemove(outbox, out _);

    /// <summary>Over budget: tells the connections with the largest queues to close until the rest fits.</summary>
    internal void Enforce()
    {
        if (MaxBytes is not { } max)
            return;
        var total = _counters.Traffic.QueuedBytes.Value;
        if (total <= max)
            return;
        // Rare (only over budget): a snapshot of every queue, largest first. Queue sizes are read racily from other
        // shards' threads; a stale size only changes which connection goes in this tick.
        var queues = new List<(long Bytes, IActorRef Actor)>(_outboxes.Count);
        foreach (var (outbox, actor) in _outboxes)
            if (outbox.QueuedBytes > 0)
                queues.Add((outbox.QueuedBytes, actor));
        queues.Sort((a, b) => b.Bytes.CompareTo(a.Bytes));
        foreach (var (bytes, actor) in queues)
        {
            if (total <= max)
                break;
            actor.Tell(Connection.OverBudget.Instance, ActorRefs.NoSender);
            total -= bytes;
        }
    }
}
