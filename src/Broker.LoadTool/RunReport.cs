using System.Text.Json;

namespace Broker.LoadTool;

/// <summary>
/// <c>--report PATH</c>: a fan-out run's summary with its per-second timeline as PATH.json, and PATH.svg charting the
/// latency percentiles over time and deliveries per second. <c>--sweep-chart OUT.svg RUN.json...</c> draws latency
/// against throughput across several runs (measure.sh --sweep); <c>--run-chart OUT.svg RUN.json</c> redraws one run's chart.
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

    /// <summary>
    /// Latency against throughput, one point per run of a rate sweep, sorted by throughput. A run without latency samples
    /// (a publisher so far behind schedule that every send time fell into the warm-up) has no point; the subtitle names it.
    /// </summary>
    public static string SweepChart(IReadOnlyList<LoadSummary> runs)
    {
        var sorted = runs.OrderBy(r => r.DeliveriesPerSecond).ToArray();
        var measured = sorted.Where(r => r.LatencySamples > 0).ToArray();
        var unmeasured = sorted.Where(r => r.LatencySamples == 0).Select(Rate).ToArray();
        var first = sorted[0];
        return new SvgPlot(Width, $"Latency vs throughput: {first.Publishers} publisher(s) → {first.Subscribers} subscriber(s), {first.Topics} topic(s), {first.Size}-byte data")
            .Panel("Publish → deliver latency at each publish rate", "deliveries per second", "ms",
                new SvgPlot.Series("p50", measured.Select(r => (r.DeliveriesPerSecond, r.LatencyP50Ms)).ToArray()),
                new SvgPlot.Series("p99", measured.Select(r => (r.DeliveriesPerSecond, r.LatencyP99Ms)).ToArray()),
                new SvgPlot.Series("p99.9", measured.Select(r => (r.DeliveriesPerSecond, r.LatencyP999Ms)).ToArray()))
            .Render(Subtitle(first) + $"; rates {string.Join(", ", sorted.Select(Rate))}"
                + (unmeasured.Length > 0 ? $"; no latency samples at {string.Join(", ", unmeasured)}" : ""));
    }

    private static string Rate(LoadSummary run) => run.Rate > 0 ? $"{run.Rate:N0}/s" : "max";

    public static void WriteSweepChart(string output, IReadOnlyList<string> runFiles)
    {
        var runs = runFiles.Select(Read).ToArray();
        if (runs.Length == 0)
            throw new ArgumentException("--sweep-chart needs at least one run's JSON");
        File.WriteAllText(output, SweepChart(runs));
    }

    /// <summary>A run's summary as <see cref="Write"/> saved it.</summary>
    public static LoadSummary Read(string file) =>
        JsonSerializer.Deserialize<LoadSummary>(File.ReadAllText(file), Json) ?? throw new ArgumentException($"{file} is not a load summary");

    private static string Subtitle(LoadSummary run) =>
        $"{Environment.ProcessorCount} cores, 1-min load average {run.LoadAverage:F1} during the run";
}
