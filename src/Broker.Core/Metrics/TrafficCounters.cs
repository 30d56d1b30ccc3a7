namespace Broker.Core.Metrics;

/// <summary>Node-wide message counters for <c>GET /api/stats</c>, cheap enough to update on every frame.</summary>
public sealed class TrafficCounters
{
    /// <summary>Text or binary messages received from WebSocket clients (commands).</summary>
    public StripedCounter MessagesIn { get; } = new();

    /// <summary>Frames queued to WebSocket clients that the connection built itself: acks and errors.</summary>
    public StripedCounter RepliesOut { get; } = new();

    /// <summary>Topic messages queued to subscribers (one per subscriber per message).</summary>
    public StripedCounter Deliveries { get; } = new();

    /// <summary>Topic messages not queued because the subscriber was closing or its outbound queue was full.</summary>
    public StripedCounter Drops { get; } = new();

    /// <summary>Publishes the backplane accepted (WebSocket and HTTP).</summary>
    public StripedCounter Publishes { get; } = new();

    /// <summary>Publishes the backplane could not accept (answered with backplane_unavailable).</summary>
    public StripedCounter PublishFailures { get; } = new();

    /// <summary>Commands refused by a rate limit, by kind ("publish").</summary>
    public KeyedCounter<string> RateLimited { get; } = new();

    /// <summary>WebSocket publishes parsed whose ack or error is not written yet (every connection's in-flight count).</summary>
    public StripedCounter PublishesInFlight { get; } = new();

    /// <summary>Times a connection stopped reading because its publishes in flight reached a cap.</summary>
    public StripedCounter ReadPauses { get; } = new();

    /// <summary>Bytes waiting in every connection's outbound queue (added on enqueue, subtracted when written or dropped).</summary>
    public StripedCounter QueuedBytes { get; } = new();
}
