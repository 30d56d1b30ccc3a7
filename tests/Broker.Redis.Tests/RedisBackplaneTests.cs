using System.Text;
using Broker.Testing;
using StackExchange.Redis;

namespace Broker.Redis.Tests;

public sealed class RedisBackplaneTests(RedisFixture redis) : IClassFixture<RedisFixture>, IAsyncLifetime
{
    private readonly RecordingSink _sinkA = new();
    private readonly RecordingSink _sinkB = new();
    private readonly RedisSettings _settings = RedisFixture.Settings(redis.Server, RedisFixture.NewPrefix());
    private RedisBackplane _nodeA = null!;
    private RedisBackplane _nodeB = null!;

    public async Task InitializeAsync()
    {
        _nodeA = await RedisFixture.StartNodeAsync(_settings, _sinkA);
        _nodeB = await RedisFixture.StartNodeAsync(_settings, _sinkB);
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
    }

    [Fact]
    public async Task PublishAsync_OnNodeA_ReachesSinksOnBothNodesWithTheSameOffset()
    {
        await _nodeA.SubscribeAsync("chat.lobby");
        await _nodeB.SubscribeAsync("chat.lobby");

        var first = await _nodeA.PublishAsync("chat.lobby", Bytes("{\"text\":\"hi\"}"));
        var second = await _nodeA.PublishAsync("chat.lobby", Bytes("[1,2]"));

        await _sinkA.WaitForCountAsync(2);
        await _sinkB.WaitForCountAsync(2);
        Assert.Equal([1L, 2L], [first, second]);
        foreach (var sink in new[] { _sinkA, _sinkB })
        {
            Assert.Equal(
                [("chat.lobby", 1L, "{\"text\":\"hi\"}"), ("chat.lobby", 2L, "[1,2]")],
                sink.Deliveries.Select(d => (d.Topic, d.Offset, Encoding.UTF8.GetString(d.Data))));
        }
    }

    [Fact]
    public async Task PublishAsync_ConcurrentPublishersOnBothNodes_EveryNodeSeesOffsetsOneToNInOneOrder()
    {
        const int perNode = 300;
        await _nodeA.SubscribeAsync("orders");
        await _nodeB.SubscribeAsync("orders");

        var publishes = Enumerable.Range(0, perNode)
            .SelectMany(i => new[]
            {
                _nodeA.PublishAsync("orders", Bytes($"a{i}")).AsTask(),
                _nodeB.PublishAsync("orders", Bytes($"b{i}")).AsTask(),
            })
            .ToArray();
        var offsets = await Task.WhenAll(publishes);

        await _sinkA.WaitForCountAsync(2 * perNode);
        await _sinkB.WaitForCountAsync(2 * perNode);
        var expected = Enumerable.Range(1, 2 * perNode).Select(i => (long)i).ToArray();
        Assert.Equal(expected, offsets.Order());
        Assert.Equal(expected, _sinkA.Deliveries.Select(d => d.Offset));
        Assert.Equal(expected, _sinkB.Deliveries.Select(d => d.Offset));
        Assert.Equal(
            _sinkA.Deliveries.Select(d => Encoding.UTF8.GetString(d.Data)),
            _sinkB.Deliveries.Select(d => Encoding.UTF8.GetString(d.Data)));
        // Each publisher's ack carries the offset its own message got.
        for (var i = 0; i < publishes.Length; i++)
        {
            var label = (i % 2 == 0 ? "a" : "b") + (i / 2);
            Assert.Equal(label, Encoding.UTF8.GetString(_sinkA.Deliveries[(int)offsets[i] - 1].Data));
        }
    }

    [Fact]
    public async Task SubscribeAsync_StarPattern_DeliversOneSegmentTopicsOnlyWithConcreteTopic()
    {
        await _nodeB.SubscribeAsync("chat.*");

        foreach (var topic in new[] { "chat.eu.lobby", "chat", "news.lobby", "chatx.lobby", "chat.lobby" })
            await _nodeA.PublishAsync(topic, Bytes(topic));

        // chat.lobby is published last on the same pattern queue, so everything before it was already filtered.
        await _sinkB.WaitForCountAsync(1);
        var delivery = Assert.Single(_sinkB.Deliveries);
        Assert.Equal(("chat.lobby", 1L, "chat.lobby"), (delivery.Topic, delivery.Offset, Encoding.UTF8.GetString(delivery.Data)));
    }

    [Fact]
    public async Task SubscribeAsync_TailPattern_DeliversOneOrMoreSegmentsWithEachTopicsOwnOffsets()
    {
        await _nodeB.SubscribeAsync("chat.>");

        foreach (var topic in new[] { "chat", "chat.lobby", "news.chat.x", "chat.eu.lobby", "chat.lobby" })
            await _nodeA.PublishAsync(topic, Bytes(topic));

        await _sinkB.WaitForCountAsync(3);
        Assert.Equal(
            [("chat.lobby", 1L), ("chat.eu.lobby", 1L), ("chat.lobby", 2L)],
            _sinkB.Deliveries.Select(d => (d.Topic, d.Offset)));
    }

    [Fact]
    public async Task SubscribeAsync_ConcreteAndMatchingPatterns_DeliversEachOffsetOncePerNode()
    {
        await _nodeB.SubscribeAsync("chat.lobby");
        await _nodeB.SubscribeAsync("chat.*");
        await _nodeB.SubscribeAsync("chat.>");

        for (var i = 0; i < 50; i++) await _nodeA.PublishAsync("chat.lobby", Bytes($"m{i}"));
        await _nodeA.PublishAsync("chat.end", Bytes("end"));

        await _sinkB.WaitForCountAsync(51);
        // chat.end is the last message on both pattern queues; the concrete queue must have finished chat.lobby too.
        await _nodeA.PublishAsync("chat.lobby", Bytes("last"));
        await _sinkB.WaitForCountAsync(52);
        var lobby = _sinkB.Deliveries.Where(d => d.Topic == "chat.lobby").Select(d => d.Offset);
        Assert.Equal(Enumerable.Range(1, 51).Select(i => (long)i), lobby);
        Assert.Single(_sinkB.Deliveries, d => d.Topic == "chat.end");
    }

    [Fact]
    public async Task SubscribeAsync_OverlappingSubscriptionsChurnDuringPublishing_SinkSeesStrictlyIncreasingOffsets()
    {
        await _nodeB.SubscribeAsync("churn.*");
        var publishing = Task.Run(async () =>
        {
            for (var i = 0; i < 400; i++) await _nodeA.PublishAsync("churn.a", Bytes($"m{i}"));
        });
        while (!publishing.IsCompleted)
        {
            await _nodeB.SubscribeAsync("churn.a");
            await _nodeB.SubscribeAsync("churn.>");
            await _nodeB.UnsubscribeAsync("churn.a");
            await _nodeB.UnsubscribeAsync("churn.>");
        }
        await publishing;
        await _nodeA.PublishAsync("churn.end", Bytes("end"));
        await Eventually.TrueAsync(() => _sinkB.Deliveries.Any(d => d.Topic == "churn.end"), TimeSpan.FromSeconds(15), "marker");

        var offsets = _sinkB.Deliveries.Where(d => d.Topic == "churn.a").Select(d => d.Offset).ToArray();
        Assert.Equal(offsets.Order().Distinct(), offsets);
        Assert.Equal(400L, offsets[^1]);
    }

    [Fact]
    public async Task UnsubscribeAsync_LastSubscription_ReleasesTheRedisChannelAndPattern()
    {
        await using var observer = await ConnectionMultiplexer.ConnectAsync(redis.Server.Endpoint);
        var db = observer.GetDatabase();
        var channel = _settings.KeyPrefix + "msg:room.1";

        await _nodeA.SubscribeAsync("room.1");
        await _nodeA.SubscribeAsync("room.*");
        Assert.Equal(1L, NumSub(await db.ExecuteAsync("PUBSUB", "NUMSUB", channel)));
        Assert.Equal(1L, (long)await db.ExecuteAsync("PUBSUB", "NUMPAT"));

        await _nodeA.UnsubscribeAsync("room.1");
        await _nodeA.UnsubscribeAsync("room.*");
        await _nodeA.UnsubscribeAsync("room.*"); // idempotent

        Assert.Equal(0L, NumSub(await db.ExecuteAsync("PUBSUB", "NUMSUB", channel)));
        Assert.Equal(0L, (long)await db.ExecuteAsync("PUBSUB", "NUMPAT"));
        await _nodeB.PublishAsync("room.1", Bytes("after"));
        await _nodeB.SubscribeAsync("room.1");
        await _nodeB.PublishAsync("room.1", Bytes("marker"));
        await _sinkB.WaitForCountAsync(1);
        Assert.Empty(_sinkA.Deliveries);
    }

    [Fact]
    public async Task ReadHistoryAsync_MoreThanHistorySize_KeepsExactlyTheLastSizeMessagesInOrder()
    {
        for (var i = 1; i <= 150; i++) await _nodeA.PublishAsync("log.topic", Bytes($"m{i}"));

        var all = await Read(_nodeB, "log.topic", 0, 1000);
        var tail = await Read(_nodeB, "log.topic", 140, 1000);
        var window = await Read(_nodeB, "log.topic", 60, 30);
        var last = await _nodeB.ReadHistoryAsync("log.topic", null, 3);

        Assert.Equal(Enumerable.Range(51, 100).Select(i => (long)i), all.Select(e => e.Offset)); // history.size = 100
        Assert.Equal("m150", Encoding.UTF8.GetString(all[^1].Data));
        Assert.Equal(Enumerable.Range(141, 10).Select(i => (long)i), tail.Select(e => e.Offset));
        Assert.Equal(Enumerable.Range(61, 30).Select(i => (long)i), window.Select(e => e.Offset));
        Assert.Equal([148L, 149L, 150L], last.Messages.Select(m => m.Offset));
        Assert.Equal(150, last.Position.Offset);
        Assert.Empty(await Read(_nodeB, "no.such.topic", 0, 10));
    }

    [Fact]
    public async Task PublishAsync_AfterDispose_ThrowsBackplaneUnavailable()
    {
        await _nodeA.DisposeAsync();

        await Assert.ThrowsAsync<Core.Backplane.BackplaneUnavailableException>(
            () => _nodeA.PublishAsync("t", Bytes("x")).AsTask());
        Assert.False(_nodeA.IsHealthy);
    }

    internal static async Task<List<(long Offset, byte[] Data)>> Read(RedisBackplane node, string topic, long after, int max)
    {
        var page = await node.ReadHistoryAsync(topic, after, max);
        return page.Messages.Select(m => (m.Offset, m.Data.ToArray())).ToList();
    }

    internal static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static long NumSub(RedisResult reply) => (long)((RedisResult[])reply!)[1];
}
