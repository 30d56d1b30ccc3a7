using Broker.Core.Metrics;

namespace Broker.Core.Connections;

/// <summary>Node-wide connection counters, updated with interlocked operations from any thread.</summary>
public sealed class ConnectionCounters
{
    private long _open;
    private long _slowConsumers;
    private long _protocolErrors;
    private long _heartbeatTimeouts;

    /// <summary>WebSocket connections currently admitted.</summary>
    public long Open => Volatile.Read(ref _open);

    /// <summary>Connections closed with 4000 because their outbound queue overflowed.</summary>
    public long SlowConsumers => Volatile.Read(ref _slowConsumers);

    /// <summary>Connections failed because the peer broke RFC 6455.</summary>
    public long ProtocolErrors => Volatile.Read(ref _protocolErrors);

    /// <summary>Connections closed with 4001.</summary>
    public long HeartbeatTimeouts => Volatile.Read(ref _heartbeatTimeouts);

    /// <summary>Close frames the node sent, by close code (1000, 1001, 4000, ...).</summary>
    public KeyedCounter<int> Closes { get; } = new();

    /// <summary>WebSocket handshakes answered with an HTTP error instead of 101, by status (400, 403, 426, 503).</summary>
    public KeyedCounter<int> HandshakeRejections { get; } = new();

    /// <summary>Message counters (commands in, replies out, deliveries, drops, publishes).</summary>
    public TrafficCounters Traffic { get; } = new();

    /// <summary>The node-wide outbound budget.</summary>
    public OutboundBudget Outbound { get; }

    /// <summary>Creates a node's counters; <paramref name="maxOutboundBytes"/> is <c>broker.limits.max-outbound-bytes</c> (null: none).</summary>
    public ConnectionCounters(long? maxOutboundBytes = null) => Outbound = new OutboundBudget(this, maxOutboundBytes);

    /// <summary>Admits one more connection unless <paramref name="max"/> are already open.</summary>
    public bool TryAdmit(long max)
    {
        if (Interlocked.Increment(ref _open) <= max)
            return true;
        Interlocked.Decrement(ref _open);
        return false;
    }

    /// <summary>Releases a connection admitted by <see cref="TryAdmit"/>.</summary>
    public void Release() => Interlocked.Decrement(ref _open);

    internal void SlowConsumer() => Interlocked.Increment(ref _slowConsumers);

    internal void ProtocolError() => Interlocked.Increment(ref _protocolErrors);

    internal void HeartbeatTimeout() => Interlocked.Increment(ref _heartbeatTimeouts);
}
