using System.Net;
using Broker.Server.Tests.Support;
using Broker.Testing;

namespace Broker.Server.Tests.Metrics;

/// <summary>GET /metrics under a known load: every series moves by exactly what the test did.</summary>
public sealed class MetricsTests
{
    private const int Subscribers = 3;
    private const int Publishes = 20;
    private const int OverLimit = 5;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Metrics_KnownLoad_SeriesMoveByTheLoad()
    {
        // A burst of exactly Publishes and (practically) no refill: the publishes past it are rate-limited.
        await using var broker = await TestBroker.StartAsync(
            $"broker.limits {{ publish-rate = 0.0001, publish-burst = {Publishes} }}");
        using var http = new HttpClient();
        var metrics = new Uri(broker.Http, "/metrics");
        var before = await PrometheusScrape.GetAsync(http, metrics);

        var subscribers = new List<PubSubClient>();
        for (var i = 0; i < Subscribers; i++)
        {
            var subscriber = await PubSubClient.ConnectAsync(broker);
            await subscriber.SubscribeAsync("metrics.t");
            subscribers.Add(subscriber);
        }
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        for (var i = 0; i < Publishes; i++)
            await publisher.PublishAsync("metrics.t", $"{i}", id: i + 1);
        var limited = 0;
        for (var i = 0; i < OverLimit; i++)
        {
            await publisher.SendAsync($$"""{"type":"publish","id":{{100 + i}},"topic":"metrics.t","data":0}""");
            if ((await publisher.ReceiveAsync()).GetProperty("code").GetString() == "rate_limited")
                limited++;
        }
        foreach (var subscriber in subscribers)
            for (var i = 0; i < Publishes; i++)
                await subscriber.ReceiveAsync();
        var rejected = await http.GetAsync(new Uri(broker.Http, "/ws")); // no Upgrade header: 426
        var during = await PrometheusScrape.GetAsync(http, metrics);

        await subscribers[0].DisposeAsync(); // client Close 1000, echoed by the server
        await Eventually.TrueAsync(async () => (await PrometheusScrape.GetAsync(http, metrics))["broker_connections"] == Subscribers,
            Timeout, "the closed connection leaves broker_connections");
        var after = await PrometheusScrape.GetAsync(http, metrics);

        Assert.Equal(OverLimit, limited);
        Assert.Equal(HttpStatusCode.UpgradeRequired, rejected.StatusCode);
        Assert.Equal(Subscribers + 1, during["broker_connections"]);
        Assert.Equal(Subscribers, during["broker_subscriptions"]);
        Assert.Equal(1, during["broker_topics"]);
        Assert.Equal(Publishes, during["broker_messages_published_total"] - before["broker_messages_published_total"]);
        Assert.Equal(Subscribers * Publishes, during["broker_deliveries_total"] - before["broker_deliveries_total"]);
        Assert.Equal(OverLimit, during["broker_rate_limited_total{kind=\"publish\"}"]);
        Assert.Equal(1, during["broker_handshake_rejections_total{status=\"426\"}"]);
        Assert.Equal(1, during["broker_backplane_up"]);
        Assert.Equal(1, during["broker_cluster_members{status=\"Up\"}"]);
        Assert.Equal(0, during["broker_slow_consumer_disconnects_total"]);
        Assert.True(during.Has("broker_outbound_queued_bytes"), during.Text);
        Assert.True(during.Has("broker_backplane_publish_seconds_count"), during.Text);
        Assert.True(during.Has("broker_backplane_lag_seconds_count"), during.Text);
        Assert.True(during["dotnet_threadpool_threads"] > 0, during.Text);
        Assert.True(during.Has("dotnet_collection_count_total{generation=\"0\"}"), during.Text);
        Assert.Equal(1, after["broker_closes_total{code=\"1000\"}"] - during["broker_closes_total{code=\"1000\"}"]);
        Assert.Equal(Subscribers - 1, after["broker_subscriptions"]);
        foreach (var subscriber in subscribers.Skip(1))
            await subscriber.DisposeAsync();
    }

    [Fact]
    public async Task Metrics_OwnPort_ServedOnlyThere()
    {
        var port = FreePort.Next();
        await using var broker = await TestBroker.StartAsync($"broker.metrics.port = {port}");
        using var http = new HttpClient();

        var onMain = await http.GetAsync(new Uri(broker.Http, "/metrics"));
        var onMetrics = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/metrics"));
        var otherOnMetrics = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/api/stats"));

        Assert.Equal(HttpStatusCode.NotFound, onMain.StatusCode);
        Assert.Equal(HttpStatusCode.OK, onMetrics.StatusCode);
        Assert.Contains("broker_connections ", await onMetrics.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, otherOnMetrics.StatusCode);
    }

    [Fact]
    public async Task Metrics_RedisBackplane_PublishAndLagHistogramsCountEveryMessage()
    {
        using var redis = RedisServerProcess.Start();
        await using var broker = await TestBroker.StartAsync(
            $"broker.backplane.type = redis, broker.redis.endpoint = \"{redis.Endpoint}\"");
        using var http = new HttpClient();
        var metrics = new Uri(broker.Http, "/metrics");
        await using var subscriber = await PubSubClient.ConnectAsync(broker);
        await subscriber.SubscribeAsync("lag.t");
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        var before = await PrometheusScrape.GetAsync(http, metrics);

        for (var i = 0; i < Publishes; i++)
            await publisher.PublishAsync("lag.t", $"{i}", id: i + 1);
        for (var i = 0; i < Publishes; i++)
            await subscriber.ReceiveAsync();
        var after = await PrometheusScrape.GetAsync(http, metrics);

        Assert.Equal(1, after["broker_backplane_up"]);
        Assert.Equal(Publishes, after["broker_backplane_publish_seconds_count"] - before["broker_backplane_publish_seconds_count"]);
        Assert.Equal(Publishes, after["broker_backplane_lag_seconds_count"] - before["broker_backplane_lag_seconds_count"]);
        Assert.True(after["broker_backplane_lag_seconds_sum"] >= 0, after.Text);
    }
}
