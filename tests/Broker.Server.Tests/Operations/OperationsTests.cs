using System.Net;
using System.Text.Json;
using Akka.Configuration;
using Broker.Server.Operations;
using Broker.Server.Tests.Support;
using Broker.Testing;

namespace Broker.Server.Tests.Operations;

/// <summary>/readyz, --help, --version and the log format.</summary>
public sealed class OperationsTests
{
    private static Config Defaults() => ConfigurationFactory.ParseString(File.ReadAllText(BrokerConfig.DefaultsPath));

    [Fact]
    public async Task Readyz_SingleNodeMemoryBackplane_Ready()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = new HttpClient();

        var response = await http.GetAsync(new Uri(broker.Http, "/readyz"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Readyz_RedisUnreachable_NotReadyWithReason()
    {
        var nobody = FreePort.Next(); // nothing listens there: the node starts degraded
        await using var broker = await TestBroker.StartAsync(
            $"broker.backplane.type = redis, broker.redis {{ endpoint = \"127.0.0.1:{nobody}\", connect-timeout = 200ms }}");
        using var http = new HttpClient();

        var response = await http.GetAsync(new Uri(broker.Http, "/readyz"));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("backplane unavailable", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Help_EveryFlag_HasOneLine()
    {
        var help = CommandLine.Help();

        foreach (var flag in BrokerConfig.FlagNames)
            Assert.Contains($"  {flag} ", help);
        Assert.Contains("  --help ", help);
        Assert.Contains("  --version ", help);
    }

    [Fact]
    public void TryAnswer_Version_PrintsVersionAndAsksToExit()
    {
        var output = new StringWriter();

        Assert.True(CommandLine.TryAnswer(["--port", "1", "--version"], output));
        Assert.StartsWith("broker 0.9.0", output.ToString());
        Assert.False(CommandLine.TryAnswer(["--port", "1"], new StringWriter()));
    }

    [Fact]
    public void OpsSettings_ShippedDefaults_MetricsOnMainPortTextLogs()
    {
        Assert.Equal(new OpsSettings(MetricsPort: 0, JsonLogs: false), OpsSettings.Create(Defaults()));
        Assert.True(OpsSettings.Create(ConfigurationFactory.ParseString("broker.log.format = json").WithFallback(Defaults())).JsonLogs);
        Assert.ThrowsAny<ConfigurationException>(() =>
            OpsSettings.Create(ConfigurationFactory.ParseString("broker.log.format = xml").WithFallback(Defaults())));
        Assert.ThrowsAny<ConfigurationException>(() =>
            OpsSettings.Create(ConfigurationFactory.ParseString("broker.metrics.port = 70000").WithFallback(Defaults())));
    }

    [Fact]
    public async Task LogFormat_Json_EveryStderrLineIsOneJsonEvent()
    {
        await using var node = await BrokerProcess.StartAsync([], new Dictionary<string, string> { ["BROKER__LOG__FORMAT"] = "json" });
        await Eventually.TrueAsync(() => node.Log.Contains("started on", StringComparison.Ordinal), TimeSpan.FromSeconds(20),
            "the node logs its start");

        var lines = node.Log.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        Assert.NotEmpty(lines);
        foreach (var line in lines)
        {
            using var entry = JsonDocument.Parse(line);
            Assert.True(entry.RootElement.TryGetProperty("Message", out _), line);
        }
        Assert.Contains(lines, line => line.Contains("\"Version\":\"0.9.0", StringComparison.Ordinal));
    }
}
