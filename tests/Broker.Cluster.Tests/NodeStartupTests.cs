using System.Net;
using System.Net.Http.Json;
using Broker.Testing;

namespace Broker.Cluster.Tests;

/// <summary>Single nodes started with the scale-out flags; each test owns its process.</summary>
public sealed class NodeStartupTests
{
    [Fact]
    public async Task Start_MalformedSeeds_ExitsWithAUsageError()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => BrokerProcess.StartAsync(["--seeds", "node1"]));

        Assert.Contains("exited with 2", error.Message);
        Assert.Contains("--seeds entry 'node1' is not host:port", error.Message);
    }

    [Fact]
    public async Task Start_NoSeedsNoRedis_RunsAloneOnTheInMemoryBackplane()
    {
        await using var node = await BrokerProcess.StartAsync([]);
        using var http = new HttpClient();

        var nodes = await http.GetFromJsonAsync<NodeListBody>(new Uri(node.HttpUri, "/api/nodes"), Json.Options);
        Assert.Equal("single", nodes!.Mode);
        Assert.True(Assert.Single(nodes.Members) is { Self: true, Status: "Up" });
        Assert.Equal("ok", await http.GetStringAsync(new Uri(node.HttpUri, "/healthz")));
        await using var client = await BrokerClient.ConnectAsync(node.WebSocketUri);
        Assert.Equal(1, await client.PublishAsync(Topics.Fresh("alone"), "true"));
    }

    [Fact]
    public async Task Start_RedisUnreachable_ServesDegradedAndRefusesPublishes()
    {
        // Nothing listens there: the node must still start, keep connections, and say why it cannot publish.
        await using var node = await BrokerProcess.StartAsync(["--redis", $"127.0.0.1:{FreePort.Next()}"]);
        using var http = new HttpClient();

        using var health = await http.GetAsync(new Uri(node.HttpUri, "/healthz"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal("degraded: backplane unavailable", await health.Content.ReadAsStringAsync());
        await using var client = await BrokerClient.ConnectAsync(node.WebSocketUri);
        var refused = await Assert.ThrowsAsync<BrokerErrorException>(() => client.PublishAsync(Topics.Fresh("down"), "1"));
        Assert.Equal("backplane_unavailable", refused.Code);
        Assert.False(client.Closed.IsCompleted);
    }
}
