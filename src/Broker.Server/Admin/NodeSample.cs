namespace Broker.Server.Admin;

/// <summary>One reading of a node's counters; rates and recent means come from the difference of two samples.</summary>
internal readonly record struct NodeSample(
    long UnixMs,
    long Connections,
    long Publishes,
    long Deliveries,
    long SlowConsumers,
    long QueuedBytes,
    double LagSum,
    long LagCount,
    double PublishSum,
    long PublishCount)
{
    public double Seconds(NodeSample earlier) => Math.Max(0.001, (UnixMs - earlier.UnixMs) / 1000.0);

    public double PublishRate(NodeSample earlier) => (Publishes - earlier.Publishes) / Seconds(earlier);

    public double DeliveryRate(NodeSample earlier) => (Deliveries - earlier.Deliveries) / Seconds(earlier);

    /// <summary>Mean backplane lag over the interval in milliseconds; null when no message arrived.</summary>
    public double? LagMs(NodeSample earlier) => MeanMs(LagSum - earlier.LagSum, LagCount - earlier.LagCount);

    /// <summary>Mean publish → ack time over the interval in milliseconds; null when nothing was published.</summary>
    public double? PublishMs(NodeSample earlier) => MeanMs(PublishSum - earlier.PublishSum, PublishCount - earlier.PublishCount);

    private static double? MeanMs(double sum, long count) => count > 0 ? sum / count * 1000 : null;
}
