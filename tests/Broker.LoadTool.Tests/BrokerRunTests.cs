using Broker.Testing;

namespace Broker.LoadTool.Tests;

/// <summary>The tool against a real broker process: what the measurements in docs/benchmarks.md rely on.</summary>
public sealed class BrokerRunTests
{
    private static readonly Dictionary<string, string> LimiterOff = new() { ["BROKER__LIMITS__PUBLISH_RATE"] = "off" };

    [Fact]
    public async Task FanOutRun_RealBroker_EveryAcknowledgedPublishReachesEverySubscriberInOrder()
    {
        await using var broker = await BrokerProcess.StartAsync([], LimiterOff);
        var options = LoadOptions.Parse(["--url", broker.WebSocketUri.ToString(), "--subscribers", "20", "--publishers", "2",
            "--topics", "3", "--duration", "1", "--warmup", "0.5", "--server-pid", broker.ProcessId.ToString()]);

        var summary = await new FanOutRun(options, TextWriter.Null).RunAsync();

        Assert.True(summary.Clean, summary.ToText());
        Assert.True(summary.Published > 0, summary.ToText());
        Assert.Equal(summary.Expected, summary.Delivered);
        Assert.True(summary.LatencySamples > 0, summary.ToText());
        Assert.NotNull(summary.ServerRssBytes);
        Assert.NotNull(summary.ServerCpuCores);
    }

    [Fact]
    public async Task FanOutRun_RealBrokerWithItsDefaultRateLimit_ReportsRateLimitedAndFails()
    {
        await using var broker = await BrokerProcess.StartAsync([]);
        var options = LoadOptions.Parse(["--url", broker.WebSocketUri.ToString(), "--subscribers", "2", "--publishers", "1",
            "--window", "4096", "--max-lag", "100000", "--duration", "2", "--warmup", "0"]);

        var summary = await new FanOutRun(options, TextWriter.Null).RunAsync();

        Assert.False(summary.Clean);
        Assert.True(summary.ErrorCodes.ContainsKey("rate_limited"), summary.ToText());
    }

    [Fact]
    public async Task IdleRun_RealBroker_HoldsEveryConnectionAndReadsItsMemory()
    {
        await using var broker = await BrokerProcess.StartAsync([]);
        var options = LoadOptions.Parse(["--url", broker.WebSocketUri.ToString(), "--idle", "50", "--topics", "5",
            "--duration", "1", "--server-pid", broker.ProcessId.ToString()]);

        var summary = await new IdleRun(options, TextWriter.Null).RunAsync();

        Assert.True(summary.Clean, summary.ToText());
        Assert.Equal(50, summary.Connections);
        Assert.True(summary.ServerRssOpenBytes > 0);
        Assert.NotNull(summary.BytesPerConnection);
    }

    [Fact]
    public async Task IdleRun_WithWarmup_OpensAndClosesTheWarmupFirstThenHoldsEveryConnection()
    {
        await using var broker = await BrokerProcess.StartAsync([]);
        var options = LoadOptions.Parse(["--url", broker.WebSocketUri.ToString(), "--idle", "30", "--topics", "3",
            "--idle-warmup", "20", "--duration", "1", "--server-pid", broker.ProcessId.ToString()]);

        var summary = await new IdleRun(options, TextWriter.Null).RunAsync();

        Assert.True(summary.Clean, summary.ToText());
        Assert.Equal(30, summary.Connections);
        Assert.Equal(20, summary.WarmupConnections);
        Assert.Contains("after 20 warm-up connections", summary.ToText());
    }
}
