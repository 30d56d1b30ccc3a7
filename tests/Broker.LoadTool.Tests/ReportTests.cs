using System.Text.Json;
using System.Xml.Linq;
using Broker.Testing;

namespace Broker.LoadTool.Tests;

/// <summary>Load reports: a run against a real broker writes its JSON and its SVG chart; a sweep draws latency vs throughput.</summary>
public sealed class ReportTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public async Task FanOutRun_WithReport_WritesTimelineJsonAndLatencyChart()
    {
        await using var broker = await BrokerProcess.StartAsync([], new Dictionary<string, string> { ["BROKER__LIMITS__PUBLISH_RATE"] = "off" });
        var path = Path.Combine(Path.GetTempPath(), $"broker-report-{Guid.NewGuid():N}", "run");
        var options = LoadOptions.Parse(["--url", broker.WebSocketUri.ToString(), "--subscribers", "10", "--rate", "200",
            "--duration", "3", "--warmup", "0.5", "--report", path]);

        var summary = await new FanOutRun(options, TextWriter.Null).RunAsync();
        RunReport.Write(options.Report!, summary);

        var saved = JsonSerializer.Deserialize<LoadSummary>(await File.ReadAllTextAsync(path + ".json"), RunReport.Json)!;
        Assert.True(saved.Timeline.Count >= 2, $"{saved.Timeline.Count} timeline points");
        Assert.Contains(saved.Timeline, p => p.LatencySamples > 0 && p.LatencyP99Ms > 0);
        Assert.Equal(summary.Delivered, saved.Delivered);
        var svg = XDocument.Load(path + ".svg");
        var series = svg.Descendants(Svg + "polyline").ToDictionary(p => (string)p.Attribute("data-series")!, p => (string)p.Attribute("points")!);
        Assert.Equal(["p50", "p99", "max", "deliveries/s", "publishes/s"], series.Keys);
        Assert.NotEmpty(series["p99"]);
        Assert.True(series["deliveries/s"].Split(' ').Length >= 2);
    }

    [Fact]
    public void SweepChart_ThreeRuns_OnePointPerRunInThroughputOrder()
    {
        var runs = new[] { Run(rate: 2000, deliveries: 20_000, p99: 3), Run(rate: 500, deliveries: 5_000, p99: 1), Run(rate: 1000, deliveries: 10_000, p99: 2) };

        var svg = XDocument.Parse(RunReport.SweepChart(runs));

        var p99 = svg.Descendants(Svg + "polyline").Single(p => (string)p.Attribute("data-series")! == "p99");
        var points = ((string)p99.Attribute("points")!).Split(' ').Select(p => double.Parse(p.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(3, points.Length);
        Assert.Equal(points.Order(), points); // x = throughput, ascending
        Assert.Contains("500/s, 1,000/s, 2,000/s", svg.ToString());
    }

    private static LoadSummary Run(double rate, double deliveries, double p99) => new()
    {
        Url = "ws://127.0.0.1:1/ws", SubscriberUrl = "ws://127.0.0.1:1/ws", Subscribers = 10, Publishers = 1, Topics = 1, Size = 100,
        Rate = rate, MeasuredSeconds = 10, DeliveriesPerSecond = deliveries, PublishesPerSecond = deliveries / 10,
        LatencySamples = 100, LatencyP50Ms = p99 / 2, LatencyP99Ms = p99, LatencyP999Ms = p99 * 2, LatencyMaxMs = p99 * 3,
        Published = 1, Delivered = 10, Expected = 10, Missing = 0, Gaps = 0, Duplicates = 0, OutOfOrder = 0, Unacked = 0, Errors = 0,
        ErrorCodes = new Dictionary<string, long>(), Disconnects = 0, DisconnectReasons = [], ToolCpuCores = 0.5, LoadAverage = 1,
    };
}
