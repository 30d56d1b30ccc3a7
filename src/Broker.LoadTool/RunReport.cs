using System.Text.Json;

namespace Broker.LoadTool;

/// <summary>
/// <c>--report PATH</c>: a fan-out run's summary with its per-second timeline as PATH.json, and PATH.svg charting the
/// latency percentiles over time and deliveries per second. <c>--sweep-chart OUT.svg RUN.json...</c> draws latency
/// against throughput across several runs (measure.sh --sweep).
/// </summary>
internal static class RunReport
{
    private const int Width = 900;
    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static void Write(string path, LoadSummary summary)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path + ".json", JsonSerializer.Serialize(summary, Json));
        File.WriteAllText(path + ".svg", RunChart(summary));
    }

    public static string RunChart(LoadSummary run)
    {
        var points = run.Timeline.Where(p => p.LatencySamples > 0).ToArray();
        return new SvgPlot(Width, $"Fan-out: {run.Publishers} publisher(s) → {run.Subscribers} subscriber(s), {run.Topics} topic(s), {run.Size}-byte data")
            .Panel("Publish → deliver latency per second", "seconds since start", "ms",
                new SvgPlot.Series("p50", points.Select(p => (p.Second, p.LatencyP50Ms)).ToArray()),
                new SvgPlot.Series("p99", points.Select(p => (p.Second, p.LatencyP99Ms)).ToArray()),
                new SvgPlot.Series("max", points.Select(p => (p.Second, p.LatencyMaxMs)).ToArray()))
            .Panel("Throughput", "seconds since start", "per second",
                new SvgPlot.Series("deliveries/s", run.Timeline.Select(p => (p.Second, p.DeliveriesPerSecond)).ToArray()),
                new SvgPlot.Series("publishes/s", run.Timeline.Select(p => (p.Second, p.PublishesPerSecond)).ToArray()))
            .Render(Subtitle(run) + $"; whole window p50 {run.LatencyP50Ms:F2} ms, p99 {run.LatencyP99Ms:F2} ms, {run.DeliveriesPerSecond:N0} deliveries/s");
    }

    /// <summary>Latency against throughput, one point per run of a rate sweep, sorted by throughput.</summary>
    public static string SweepChart(IReadOnlyList<LoadSummary> runs)
    {
        var sorted = runs.OrderBy(r => r.DeliveriesPerSecond).ToArray();
        var first = sorted[0];
        return new SvgPlot(Width, $"Latency vs throughput: {first.Publishers} publisher(s) → {first.Subscribers} subscriber(s), {first.Topics} topic(s), {first.Size}-byte data")
            .Panel("Publish → deliver latency at each publish rate", "deliveries per second", "ms",
                new SvgPlot.Series("p50", sorted.Select(r => (r.DeliveriesPerSecond, r.LatencyP50Ms)).ToArray()),
                new SvgPlot.Series("p99", sorted.Select(r => (r.DeliveriesPerSecond, r.LatencyP99Ms)).ToArray()),
                new SvgPlot.Series("p99.9", sorted.Select(r => (r.DeliveriesPerSecond, r.LatencyP999Ms)).ToArray()))
            .Render(Subtitle(first) + $"; rates {string.Join(", ", sorted.Select(r => r.Rate > 0 ? $"{r.Rate:N0}/s" : "max"))}");
    }

    public static void WriteSweepChart(string output, IReadOnlyList<string> runFiles)
    {
        var runs = runFiles.Select(f => JsonSerializer.Deserialize<LoadSummary>(File.ReadAllText(f), Json)
            ?? throw new ArgumentException($"{f} is not a load summary")).ToArray();
        if (runs.Length == 0)
            throw new ArgumentException("--sweep-chart needs at least one run's JSON");
        File.WriteAllText(output, SweepChart(runs));
    }

    private static string Subtitle(LoadSummary run) =>
        $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, 1-min load average {run.LoadAverage:F1}";
}
