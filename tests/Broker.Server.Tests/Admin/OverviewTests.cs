using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Broker.Server.Tests.Support;
using Broker.Testing;

namespace Broker.Server.Tests.Admin;

/// <summary>GET /api/admin/overview on one node: the key is required, and the node reports itself.</summary>
public sealed class OverviewTests
{
    private const string Key = "overview-key";

    [Fact]
    public async Task Overview_NoKeyConfigured_Forbidden()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = new HttpClient();

        var response = await http.GetAsync(new Uri(broker.Http, "/api/admin/overview"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("admin_disabled", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    public async Task Overview_MissingOrWrongKey_Unauthorized(string? presented)
    {
        await using var broker = await TestBroker.StartAsync($"broker.http.admin-key = \"{Key}\"");
        using var http = new HttpClient();
        if (presented is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", presented);

        var response = await http.GetAsync(new Uri(broker.Http, "/api/admin/overview"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Overview_WithKeyUnderLoad_NodeReportsItsCountersAndTopics()
    {
        await using var broker = await TestBroker.StartAsync($"broker.http.admin-key = \"{Key}\"");
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        await using var subscriber = await PubSubClient.ConnectAsync(broker);
        await subscriber.SubscribeAsync("overview.t");
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        for (var i = 0; i < 3; i++)
            await publisher.PublishAsync("overview.t", $"{i}", id: i + 1);

        JsonElement node = default;
        await Eventually.TrueAsync(async () =>
        {
            using var overview = JsonDocument.Parse(await http.GetStringAsync(new Uri(broker.Http, "/api/admin/overview")));
            node = overview.RootElement.GetProperty("nodes")[0].Clone();
            return node.GetProperty("stats").GetProperty("topics").GetArrayLength() == 1;
        }, TimeSpan.FromSeconds(20), "the node's sampler sees the subscription");

        Assert.Equal("Up", node.GetProperty("status").GetString());
        Assert.True(node.GetProperty("answered").GetBoolean());
        var stats = node.GetProperty("stats");
        Assert.Equal(2, stats.GetProperty("connections").GetInt64());
        Assert.Equal(3, stats.GetProperty("publishesTotal").GetInt64());
        Assert.Equal(3, stats.GetProperty("deliveriesTotal").GetInt64());
        Assert.Equal("memory", stats.GetProperty("backplane").GetProperty("type").GetString());
        var topic = stats.GetProperty("topics")[0];
        Assert.Equal(("overview.t", 1), (topic.GetProperty("topic").GetString(), topic.GetProperty("subscribers").GetInt32()));
    }
}
