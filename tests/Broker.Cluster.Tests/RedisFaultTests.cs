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

        var ackedBeforeKill = acked.ToArray();
        Cluster.Redis.Kill();

        await Eventually.TrueAsync(() => Volatile.Read(ref refused) >= 5, Bound, "publishes refused while Redis is down");
        await stop.CancelAsync();
        await traffic;
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
        // Healthy means connected; the re-SUBSCRIBE follows. Probe until both nodes deliver again.
        var (seenA, seenB) = (new List<long>(), new List<long>());
        await Eventually.TrueAsync(async () =>
        {
            var probe = await publisher.PublishAsync(topic, "\"probe\"");
            return await ReceivedAsync(onA, seenA, probe) & await ReceivedAsync(onB, seenB, probe);
        }, Bound, "both nodes delivering after the restart");
        var ackedAfter = new List<long>();
        for (var i = 0; i < 20; i++) ackedAfter.Add(await publisher.PublishAsync(topic, $"{{\"after\":{i}}}"));

        // Offsets never went back: Redis kept them (AOF). Every publish acked before the kill and after the recovery
        // reached both nodes, in one order. (A publish refused because its reply was lost with Redis may still have
        // been applied, so offsets nobody got an ack for may appear too.)
        long[] allAcked = [.. acked, .. ackedAfter];
        Assert.Equal(allAcked.Order().Distinct(), allAcked);
        Assert.True(ackedAfter[0] > ackedBeforeKill[^1]);
        foreach (var (subscriber, seen) in new[] { (onA, seenA), (onB, seenB) })
        {
            Assert.True(await ReceivedAsync(subscriber, seen, ackedAfter[^1]), "every message after the recovery arrives");
            Assert.Equal(seen.Order().Distinct(), seen);
            Assert.Empty(ackedBeforeKill.Except(seen));
            Assert.Empty(ackedAfter.Except(seen));
        }
    }

    // Reads the subscriber's messages into `seen` until `offset` has arrived (true), or passed or timed out (false).
    private static async Task<bool> ReceivedAsync(BrokerClient subscriber, List<long> seen, long offset)
    {
        while (seen.Count == 0 || seen[^1] < offset)
        {
            try
            {
                seen.Add((await subscriber.NextMessageAsync(TimeSpan.FromSeconds(2))).GetProperty("offset").GetInt64());
            }
            catch (TimeoutException)
            {
                return false;
            }
        }
        return seen.Contains(offset);
    }
}
