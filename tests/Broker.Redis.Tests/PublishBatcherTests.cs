using System.Text;
using StackExchange.Redis;

namespace Broker.Redis.Tests;

/// <summary>
/// Publishes that arrive while earlier script calls wait for Redis share one call (issue 12 target c) and keep each
/// topic's order, offsets and history. Against its own redis-server, so its command counters see only this class.
/// </summary>
public sealed class PublishBatcherTests(RedisFixture redis) : IClassFixture<RedisFixture>
{
    private const int Publishers = 20;
    private const int PerPublisher = 60;
    private const int Topics = 5;

    [Fact]
    public async Task PublishAsync_ManyConcurrentPublishersWhileRedisIsSlow_ShareFewCallsAndKeepEachTopicsOrder()
    {
        var settings = RedisFixture.Settings(redis.Server, RedisFixture.NewPrefix());
        var namespaces = RedisFixture.Namespaces("broker.namespaces.default.history.size = 1000");
        var sink = new RecordingSink();
        await using var publisher = await RedisFixture.StartNodeAsync(settings, new RecordingSink(), namespaces: namespaces);
        await using var subscriber = await RedisFixture.StartNodeAsync(settings, sink, namespaces: namespaces);
        for (var t = 0; t < Topics; t++)
            await subscriber.SubscribeAsync($"t{t}");
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Server.Endpoint + ",allowAdmin=true");
        var server = admin.GetServer(redis.Server.Endpoint);
        var callsBefore = await CommandStats.CallsAsync(server, "evalsha", "eval");

        // Redis answers nothing for a second: the first calls wait, and everything published meanwhile queues behind them.
        await server.ExecuteAsync("CLIENT", "PAUSE", "1000", "ALL");
        var sent = await Task.WhenAll(Enumerable.Range(0, Publishers).Select(p => Task.Run(() => PublishAll(publisher, p))));
        var acked = new List<(string Topic, string Data, long Offset)>();
        foreach (var publishes in sent)
        {
            var offsets = await Task.WhenAll(publishes.Select(x => x.Offset));
            // One publisher's messages to one topic got increasing offsets: calls leave in the order they arrived.
            foreach (var topic in publishes.Select((x, i) => (x.Topic, Offset: offsets[i])).GroupBy(x => x.Topic))
                Assert.Equal(topic.Select(x => x.Offset).Order(), topic.Select(x => x.Offset));
            acked.AddRange(publishes.Select((x, i) => (x.Topic, x.Data, offsets[i])));
        }
        var calls = await CommandStats.CallsAsync(server, "evalsha", "eval") - callsBefore;

        Assert.True(calls <= Publishers * PerPublisher / 10, $"{calls} script calls for {Publishers * PerPublisher} publishes");
        await sink.WaitForCountAsync(Publishers * PerPublisher);
        foreach (var topic in acked.GroupBy(x => x.Topic))
        {
            // Offsets 1..N once each, and the message acked with offset n is the one delivered and kept as n.
            var expected = topic.OrderBy(x => x.Offset).Select(x => (x.Offset, x.Data)).ToList();
            Assert.Equal(Enumerable.Range(1, expected.Count).Select(i => (long)i), expected.Select(x => x.Offset));
            Assert.Equal(expected, sink.Deliveries.Where(d => d.Topic == topic.Key)
                .Select(d => (d.Offset, Encoding.UTF8.GetString(d.Data))));
            Assert.Equal(expected, (await RedisBackplaneTests.Read(subscriber, topic.Key, 0, 1000))
                .Select(h => (h.Offset, Encoding.UTF8.GetString(h.Data))));
        }
    }

    [Fact]
    public async Task PublishAsync_OneMessageOfABatchFailsInRedis_OnlyThatPublishFailsAndTheOthersArePublished()
    {
        var prefix = RedisFixture.NewPrefix();
        var sink = new RecordingSink();
        await using var node = await RedisFixture.StartNodeAsync(RedisFixture.Settings(redis.Server, prefix), sink);
        await node.SubscribeAsync("good");
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Server.Endpoint + ",allowAdmin=true");
        await admin.GetDatabase().StringSetAsync($"{prefix}{{bad}}:meta", "not a hash"); // HGET on it fails: WRONGTYPE

        await admin.GetServer(redis.Server.Endpoint).ExecuteAsync("CLIENT", "PAUSE", "500", "ALL");
        var publishes = Enumerable.Range(0, 40)
            .Select(i => node.PublishAsync(i % 4 == 1 ? "bad" : "good", RedisBackplaneTests.Bytes($"{i}")).AsTask())
            .ToList();

        for (var i = 0; i < publishes.Count; i++)
        {
            if (i % 4 == 1)
                await Assert.ThrowsAsync<Core.Backplane.BackplaneUnavailableException>(() => publishes[i]);
            else
                await publishes[i];
        }
        await sink.WaitForCountAsync(30);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => (long)i), sink.Deliveries.Select(d => d.Offset));
    }

    [Fact]
    public async Task PublishAsync_CallerCancelsWhileQueued_OnlyItsWaitEndsAndTheBatchStillGoesThrough()
    {
        var sink = new RecordingSink();
        await using var node = await RedisFixture.StartNodeAsync(RedisFixture.Settings(redis.Server, RedisFixture.NewPrefix()), sink);
        await node.SubscribeAsync("c");
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Server.Endpoint + ",allowAdmin=true");
        await admin.GetServer(redis.Server.Endpoint).ExecuteAsync("CLIENT", "PAUSE", "500", "ALL");
        using var cancel = new CancellationTokenSource();

        var publishes = Enumerable.Range(0, 20)
            .Select(i => node.PublishAsync("c", RedisBackplaneTests.Bytes($"{i}"), i == 10 ? cancel.Token : default).AsTask())
            .ToList();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => publishes[10]);
        var offsets = await Task.WhenAll(publishes.Where((_, i) => i != 10));
        // The cancelled message was already queued: Redis published it (unacked), in its place.
        await sink.WaitForCountAsync(20);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), sink.Deliveries.Select(d => d.Offset));
        Assert.Equal(Enumerable.Range(1, 20).Where(i => i != 11).Select(i => (long)i), offsets);
    }

    // Issues every publish of one publisher without waiting for the earlier ones, as a connection with a window does.
    private static List<(string Topic, string Data, Task<long> Offset)> PublishAll(RedisBackplane node, int publisher)
    {
        var publishes = new List<(string, string, Task<long>)>(PerPublisher);
        for (var i = 0; i < PerPublisher; i++)
        {
            var topic = $"t{(publisher + i) % Topics}";
            var data = $"{publisher}:{i}";
            publishes.Add((topic, data, node.PublishAsync(topic, RedisBackplaneTests.Bytes(data)).AsTask()));
        }
        return publishes;
    }
}
