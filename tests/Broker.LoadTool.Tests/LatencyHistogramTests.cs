namespace Broker.LoadTool.Tests;

public sealed class LatencyHistogramTests
{
    [Fact]
    public void ValueAt_OneToOneMillion_WithinTheBucketError()
    {
        var histogram = new LatencyHistogram();
        for (var v = 1; v <= 1_000_000; v++)
            histogram.Record(v);

        foreach (var (quantile, exact) in new[] { (0.5, 500_000L), (0.99, 990_000L), (0.999, 999_000L) })
        {
            var value = histogram.ValueAt(quantile);
            Assert.InRange(value, exact, exact * 1.016);
        }
        Assert.Equal(1_000_000, histogram.ValueAt(1.0));
        Assert.Equal(1_000_000, histogram.Max);
    }

    [Fact]
    public void ValueAt_SmallValues_Exact()
    {
        var histogram = new LatencyHistogram();
        foreach (var v in new[] { 3, 3, 7, 100 })
            histogram.Record(v);

        Assert.Equal(3, histogram.ValueAt(0.5));
        Assert.Equal(100, histogram.ValueAt(0.99));
    }

    [Fact]
    public void Add_TwoHistograms_MergesCountsAndMax()
    {
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        a.Record(10);
        b.Record(20);
        b.Record(5_000);

        a.Add(b);

        Assert.Equal(3, a.Count);
        Assert.Equal(5_000, a.Max);
        Assert.Equal(20, a.ValueAt(0.5));
    }

    [Fact]
    public void ValueAt_Empty_IsZero() => Assert.Equal(0, new LatencyHistogram().ValueAt(0.99));
}
