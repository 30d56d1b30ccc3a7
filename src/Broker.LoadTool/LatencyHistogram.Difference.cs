namespace Broker.LoadTool;

internal sealed partial class LatencyHistogram
{
    /// <summary>
    /// The latencies recorded since <paramref name="earlier"/> (a snapshot of the same cumulative histogram): one second
    /// of a run for the timeline. Max is the largest bucket edge that grew, capped by the cumulative max.
    /// </summary>
    public LatencyHistogram Since(LatencyHistogram earlier)
    {
        var interval = new LatencyHistogram();
        for (var i = 0; i < BucketCount; i++)
        {
            var count = _counts[i] - earlier._counts[i];
            if (count <= 0)
                continue;
            interval._counts[i] = count;
            interval.Count += count;
            interval.Max = Math.Min(UpperEdge(i), Max);
        }
        return interval;
    }
}
