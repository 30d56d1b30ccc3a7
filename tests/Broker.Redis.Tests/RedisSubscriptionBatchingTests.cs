using System.Text;
using StackExchange.Redis;

namespace Broker.Redis.Tests;

/// <summary>
/// Concurrent (P)SUBSCRIBEs share one round trip (issue 10 item 2): no node-wide lock is held while Redis answers, so
/// a burst of new keys (one client's churn) costs one PING, not one round trip per key queued behind each other.
/// Against its own redis-server, so its command counters see only this test.
/// </summary>
public sealed class RedisSubscriptionBatchingTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int Keys = 50;

    [Fact]
    public async Task SubscribeAsync_ManyKeysWhileRedisIsSlow_ShareOneRoundTripAndAllTakeEffect()
    {
        var sink = new RecordingSink();
        await using var node = await RedisFixture.StartNodeAsync(RedisFixture.Settings(redis.Server, RedisFixture.NewPrefix()), sink);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Server.Endpoint + ",allowAdmin=true");
        var server = admin.GetServer(redis.Server.Endpoint);
        var pingsBefore = await CommandStats.CallsAsync(server, "ping");

        // Redis answers nothing for a second: every subscribe below is issued while the first one waits for Redis.
        await server.ExecuteAsync("CLIENT", "PAUSE", "1000", "ALL");
        await Task.WhenAll(Enumerable.Range(0, Keys).Select(i => node.SubscribeAsync(i % 2 == 0 ? $"k{i}" : $"k{i}.*")));
        var pings = await CommandStats.CallsAsync(server, "ping") - pingsBefore;
        for (var i = 0; i < Keys; i++)
            await node.PublishAsync(i % 2 == 0 ? $"k{i}" : $"k{i}.x", Encoding.UTF8.GetBytes($"{i}"));
        await sink.WaitForCountAsync(Keys);

        // One shared PING for the batch (a few more if the burst straddled one, plus the node's own health checks);
        // one per key when each waited for its own round trip.
        Assert.True(pings <= 10, $"{pings} PINGs for {Keys} concurrent subscribes");
        Assert.Equal(Enumerable.Range(0, Keys).Select(i => $"{i}"),
            sink.Deliveries.Select(d => Encoding.UTF8.GetString(d.Data)).Order(Comparer<string>.Create((a, b) => int.Parse(a) - int.Parse(b))));
    }
}
