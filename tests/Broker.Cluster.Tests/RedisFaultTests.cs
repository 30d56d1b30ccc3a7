using System.Collections.Concurrent;
using System.Net;
using Broker.Testing;

namespace Broker.Cluster.Tests;

/// <summary>Kills and restarts the redis-server under a two-node cluster: its own cluster, since the others need Redis.</summary>
public sealed class RedisFaultTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan TrafficPace = TimeSpan.FromMilliseconds(10);
    private TestCluster? _cluster;

    private TestCluster Cluster => _cluster!;

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nodes: 2);

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }

    [Fact]
    public async Task RedisKilled_MidTraffic_ClearErrorsWhileDownAndFullRecoveryAfterRestart()
    {
        var (a, b) = (Cluster.Nodes[0], Cluster.Nodes[1]);
        var topic = Topics.Fresh("outage");
        await using var onA = await BrokerClient.ConnectAsync(a.WebSocketUri);
        await using var onB = await BrokerClient.ConnectAsync(b.WebSocketUri);
        await using var publisher = await BrokerClient.ConnectAsync(a.WebSocketUri);
        await onA.SubscribeAsync(topic);
        await onB.SubscribeAsync(topic);

        // Traffic runs while Redis dies: every publish is either acked with an offset or refused, never silently lost.
        var acked = new ConcurrentQueue<long>();
        var refused = 0;
        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    acked.Enqueue(await publisher.PublishAsync(topic, $"{{\"i\":{i}}}"));
                }
                catch (BrokerErrorException e) when (e.Code == "backplane_unavailable")
                {
                    Interlocked.Increment(ref refused);
                }
                // Paced well under broker.limits.publish-rate: this test is about Redis, not the rate limit.
                await Task.Delay(TrafficPace);
            }
        });
        await Eventually.TrueAsync(() => acked.Count >= 20, Bound, "traffic flowing before the kill");

        Cluster.Redis.Kill();

        await Eventually.TrueAsync(() => Volatile.Read(ref refused) >= 5, Bound, "publishes refused while Redis is down");
        foreach (var node in Cluster.Nodes)
        {
            using var health = await Cluster.Http.GetAsync(new Uri(node.HttpUri, "/healthz"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Equal("degraded: backplane unavailable", await health.Content.ReadAsStringAsync());
        }
        using (var refusedOverHttp = await Cluster.PublishOverHttpAsync(b, topic, "\"while down\""))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refusedOverHttp.StatusCode);
            Assert.Contains("backplane_unavailable", await refusedOverHttp.Content.ReadAsStringAsync());
        }
        Assert.False(onA.Closed.IsCompleted || onB.Closed.IsCompleted || publisher.Closed.IsCompleted,
            "WebSocket connections stay open through a Redis outage");

        Cluster.Redis.Restart();

        await Eventually.TrueAsync(async () =>
        {
            foreach (var node in Cluster.Nodes)
            {
                using var health = await Cluster.Http.GetAsync(new Uri(node.HttpUri, "/healthz"));
                if (health.StatusCode != HttpStatusCode.OK) return false;
            }
            return true;
        }, Bound, "every node healthy after the restart");
        var ackedAfterRecovery = acked.Count;
        await Eventually.TrueAsync(() => acked.Count >= ackedAfterRecovery + 20, Bound, "traffic flowing after the restart");
        await stop.CancelAsync();
        await traffic;

        // Both nodes re-subscribed: each subscriber gets every acked message, in one increasing offset order. A publish
        // refused because its reply was lost with Redis may still have been applied, so extra offsets are allowed.
        // Strictly increasing across the outage: Redis kept the offsets (AOF), nothing restarted at 1.
        Assert.Equal(acked.Order().Distinct(), acked);
        var last = acked.Last();
        foreach (var subscriber in new[] { onA, onB })
        {
            var offsets = new List<long>();
            while (offsets.Count == 0 || offsets[^1] < last)
                offsets.Add((await subscriber.NextMessageAsync()).GetProperty("offset").GetInt64());
            Assert.Equal(offsets.Order().Distinct(), offsets);
            Assert.Empty(acked.Except(offsets));
        }
    }
}
