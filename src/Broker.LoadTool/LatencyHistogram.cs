namespace Broker.LoadTool;

/// <summary>
/// Log-linear histogram of latencies in microseconds, like HdrHistogram with two significant digits: values below 128 are
/// exact, above that every power of two is split into 64 buckets (under 1.6% error). Single writer; merge after the run.
/// </summary>
internal sealed partial class LatencyHistogram
{
    private const int ExactBuckets = 128;
    private const int SubBuckets = 64;
    private const int MaxExponent = 40; // 2^40 µs is 12 days: anything longer is clamped into the last bucket
    private const int BucketCount = ExactBuckets + (MaxExponent - 7 + 1) * SubBuckets;

    private readonly long[] _counts = new long[BucketCount];

    public long Count { get; private set; }

    public long Max { get; private set; }

    public void Record(long micros)
    {
        if (micros < 0)
            micros = 0;
        _counts[IndexOf(micros)]++;
        Count++;
        if (micros > Max)
            Max = micros;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < BucketCount; i++)
            _counts[i] += other._counts[i];
        Count += other.Count;
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>The upper edge of the bucket holding the <paramref name="quantile"/> (0–1) value, never above <see cref="Max"/>.</summary>
    public long ValueAt(double quantile)
    {
        if (Count == 0)
            return 0;
        var rank = (long)Math.Ceiling(quantile * Count);
        long seen = 0;
        for (var i = 0; i < BucketCount; i++)
        {
            seen += _counts[i];
            if (seen >= rank && _counts[i] > 0)
                return Math.Min(UpperEdge(i), Max);
        }
        return Max;
    }

    private static int IndexOf(long value)
    {
        if (value < ExactBuckets)
            return (int)value;
        var exponent = (int)Math.Min(63 - long.LeadingZeroCount(value), MaxExponent);
        var shift = exponent - 6;
        var sub = (int)Math.Min(value >> shift, 2 * SubBuckets - 1) - SubBuckets;
        return ExactBuckets + (exponent - 7) * SubBuckets + sub;
    }

    private static long UpperEdge(int index)
    {
        if (index < ExactBuckets)
            return index;
        var exponent = (index - ExactBuckets) / SubBuckets + 7;
        var sub = (index - ExactBuckets) % SubBuckets + SubBuckets;
        var shift = exponent - 6;
        return ((long)(sub + 1) << shift) - 1;
    }
}
