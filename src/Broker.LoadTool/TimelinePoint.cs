namespace Broker.LoadTool;

/// <summary>One second of a run: throughput and the latencies of the deliveries measured in it (milliseconds).</summary>
internal sealed record TimelinePoint(
    double Second,
    double DeliveriesPerSecond,
    double PublishesPerSecond,
    long LatencySamples,
    double LatencyP50Ms,
    double LatencyP99Ms,
    double LatencyMaxMs);
