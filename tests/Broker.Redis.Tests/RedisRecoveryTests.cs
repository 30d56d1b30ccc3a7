using System.Text;
using Broker.Core.Backplane;
using Broker.Testing;
using StackExchange.Redis;

namespace Broker.Redis.Tests;

/// <summary>Epochs, catch-up after an outage and key expiry against a real redis-server (one per test: they kill it).</summary>
public sealed class RedisRecoveryTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly RedisServerProcess _server = RedisServerProcess.Start();
    private readonly string _prefix = RedisFixture.NewPrefix();
    private readonly RecordingSink _sinkA = new();
    private readonly RecordingSink _sinkB = new();
    private RedisBackplane _nodeA = null!;
    private RedisBackplane _nodeB = null!;

    public async Task InitializeAsync()
    {
        var settings = RedisFixture.Settings(_server, _prefix);
        _nodeA = await RedisFixture.StartNodeAsync(settings, _sinkA);
        _nodeB = await RedisFixture.StartNodeAsync(settings, _sinkB);
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        _server.Dispose();
    }

    [Fact]
    public async Task PositionAsync_NewTopic_CreatesOneEpochAtOffsetZeroThatPublishesKeep()
    {
        var first = await _nodeA.PositionAsync("room.new");
        var again = await _nodeB.PositionAsync("room.new");
        await _nodeA.PublishAsync("room.new", Bytes("1"));
        var after = await _nodeB.ReadHistoryAsync("room.new", null, 10);

        Assert.Equal((8, 0L), (first.Epoch.Length, first.Offset));
        Assert.Equal(first, again);
        Assert.Equal(new TopicPosition(first.Epoch, 1), after.Position);
    }

    [Fact]
    public async Task SubscriberConnectionLost_PublishesMeanwhile_NodeReplaysThemBeforeLiveWithoutGapOrDuplicate()
    {
        const int total = 60;
        await _nodeB.SubscribeAsync("room.lobby");
        await _nodeB.PositionAsync("room.lobby");
        await _nodeA.PublishAsync("room.lobby", Bytes("1"));
        await _sinkB.WaitForCountAsync(1);

        // Drop only the subscriber connections: node A's commands keep publishing while node B hears nothing live.
        await using (var admin = await ConnectionMultiplexer.ConnectAsync(_server.Endpoint + ",allowAdmin=true"))
            await admin.GetServer(_server.Endpoint).ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
        for (var i = 2; i <= total; i++)
            await _nodeA.PublishAsync("room.lobby", Bytes(i.ToString()));

        await _sinkB.WaitForCountAsync(total, Bound);
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), _sinkB.Deliveries.Select(d => d.Offset));
        Assert.Equal(Enumerable.Range(1, total).Select(i => i.ToString()), _sinkB.Deliveries.Select(d => Encoding.UTF8.GetString(d.Data)));
    }

    [Fact]
    public async Task SubscriberConnectionBackBeforeCommandConnection_PublishesMeanwhile_NodeReplaysThemOnceSubscribed()
    {
        // Node C reaches Redis through a relay, so the test decides which of its two connections comes back first.
        await using var relay = new TcpRelay(new Uri($"redis://{_server.Endpoint}"));
        var sink = new RecordingSink();
        await using var nodeC = await RedisFixture.StartNodeAsync(
            RedisFixture.Settings(_server, _prefix) with { Endpoint = $"127.0.0.1:{relay.Port}" }, sink);
        await nodeC.SubscribeAsync("room.lobby");
        await nodeC.PositionAsync("room.lobby");
        await _nodeA.PublishAsync("room.lobby", Bytes("1"));
        await sink.WaitForCountAsync(1);
        await using var admin = await ConnectionMultiplexer.ConnectAsync(_server.Endpoint + ",allowAdmin=true");
        var connections = await BrokerConnectionsAsync(admin); // nodes A, B and C: two each

        relay.CutAndHold();
        await Eventually.TrueAsync(async () => await BrokerConnectionsAsync(admin) == connections - 2, Bound,
            "node C's connections gone");
        await PublishAsync(2, 10);
        // Only the subscriber connection comes back (its handshake, unlike the command connection's, asks no INFO).
        // StackExchange.Redis fires its re-SUBSCRIBEs on this restore, but drops them while the command connection is
        // down (fail-fast), and sends them again only once that one is back too.
        relay.ResumeOnly(first => first.Span.IndexOf("$4\r\nINFO\r\n"u8) < 0);
        await Eventually.TrueAsync(async () => await BrokerConnectionsAsync(admin) == connections - 1, Bound,
            "node C's subscriber connection back");
        await PublishAsync(11, 20);
        relay.Resume();
        await Eventually.TrueAsync(() => nodeC.IsHealthy, Bound, "node C healthy");
        // Publishes until node C hands on one from after this point, then one more, which must come live.
        await Eventually.TrueAsync(async () =>
        {
            if (sink.Deliveries.Any(d => d.Offset > 20)) return true;
            await _nodeA.PublishAsync("room.lobby", Bytes("x"));
            return false;
        }, Bound, "node C delivering live again");
        var last = await _nodeA.PublishAsync("room.lobby", Bytes("last"));
        await Eventually.TrueAsync(() => sink.Deliveries.Any(d => d.Offset == last), Bound, "the last one delivered");

        Assert.Equal(Enumerable.Range(1, (int)last).Select(i => (long)i), sink.Deliveries.Select(d => d.Offset));
        Assert.Equal(Enumerable.Range(1, 20).Select(i => i.ToString()),
            sink.Deliveries.Take(20).Select(d => Encoding.UTF8.GetString(d.Data)));
    }

    [Fact]
    public async Task RedisRestartedWithItsData_OffsetsAndEpochContinueWithoutReset()
    {
        await _nodeB.SubscribeAsync("room.lobby");
        var before = await _nodeB.PositionAsync("room.lobby");
        await _nodeA.PublishAsync("room.lobby", Bytes("1"));
        await _sinkB.WaitForCountAsync(1);

        _server.Restart();
        var offsets = await PublishUntilDeliveredAsync("room.lobby", d => d.Offset > 1);

        Assert.Equal(Enumerable.Range(2, offsets.Count).Select(i => (long)i), offsets);
        Assert.DoesNotContain(_sinkB.Deliveries, d => d.Offset < 0);
        Assert.Equal(before.Epoch, (await _nodeA.PositionAsync("room.lobby")).Epoch);
    }

    [Fact]
    public async Task RedisRestartedEmpty_LiveSubscribersGetOneResetThenOffsetsFromOne()
    {
        await _nodeB.SubscribeAsync("room.lobby");
        var before = await _nodeB.PositionAsync("room.lobby");
        await _nodeA.PublishAsync("room.lobby", Bytes("1"));
        await _nodeA.PublishAsync("room.lobby", Bytes("2"));
        await _sinkB.WaitForCountAsync(2);

        _server.RestartEmpty();
        var offsets = await PublishUntilDeliveredAsync("room.lobby", d => d.Offset > 0 && _sinkB.Deliveries.Any(r => r.Offset < 0));

        var deliveries = _sinkB.Deliveries;
        var reset = Assert.Single(deliveries, d => d.Offset < 0);
        var epoch = Encoding.ASCII.GetString(reset.Data);
        Assert.NotEqual(before.Epoch, epoch);
        Assert.Equal([1L, 2L, -1L], deliveries.Take(3).Select(d => d.Offset));
        Assert.Equal(Enumerable.Range(1, offsets.Count).Select(i => (long)i), offsets);
        Assert.Equal(new TopicPosition(epoch, offsets.Count), (await _nodeA.ReadHistoryAsync("room.lobby", 0, 100)).Position);
    }

    [Fact]
    public async Task Publish_ManyOneOffTopics_EveryKeyHasATtlAndAllExpire()
    {
        var namespaces = RedisFixture.Namespaces("broker.namespaces.default.history { size = 3, ttl = 8s }");
        var settings = RedisFixture.Settings(_server, _prefix + "ttl:");
        await using var node = await RedisFixture.StartNodeAsync(settings, new RecordingSink(), namespaces: namespaces);
        // In waves: the test Redis fsyncs every write, and 10,000 at once would outlast the operation timeout.
        foreach (var wave in Enumerable.Range(0, 10_000).Chunk(200))
            await Task.WhenAll(wave.Select(i => node.PublishAsync($"once.t{i}", Bytes("x")).AsTask()));
        await node.PositionAsync("subscribed.only");

        await using var admin = await ConnectionMultiplexer.ConnectAsync(_server.Endpoint + ",allowAdmin=true");
        var server = admin.GetServer(_server.Endpoint);
        var keys = server.Keys(pattern: settings.KeyPrefix + "*", pageSize: 1000).ToArray();
        // meta + log per published topic (some may have expired already on a slow machine), meta for the one positioned.
        Assert.InRange(keys.Length, 2, 20_001);
        Assert.Contains(keys, k => k.ToString().EndsWith("{subscribed.only}:meta", StringComparison.Ordinal));
        var ttls = await Task.WhenAll(keys.Select(k => admin.GetDatabase().KeyTimeToLiveAsync(k)));
        Assert.DoesNotContain(ttls.Zip(keys), pair => pair.First is null && admin.GetDatabase().KeyExists(pair.Second));
        await Eventually.TrueAsync(() => !server.Keys(pattern: settings.KeyPrefix + "*").Any(), Bound, "every key expired");
    }

    // Publishes one message at a time until node B's sink shows what the test waits for (Redis may answer before the
    // subscriber connection is back); returns the offsets of the publishes that were accepted.
    private async Task<List<long>> PublishUntilDeliveredAsync(string topic, Func<Delivery, bool> waitedFor)
    {
        var offsets = new List<long>();
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                offsets.Add(await _nodeA.PublishAsync(topic, Bytes("after")));
            }
            catch (BackplaneUnavailableException)
            {
                // Racing the reconnect: not acked, retried.
            }
            return _sinkB.Deliveries.Any(waitedFor);
        }, Bound, "delivering after the restart");
        return offsets;
    }

    private async Task PublishAsync(int from, int to)
    {
        for (var i = from; i <= to; i++)
            Assert.Equal(i, await _nodeA.PublishAsync("room.lobby", Bytes(i.ToString())));
    }

    // The nodes' connections Redis has (each node names its connections "broker").
    private static async Task<int> BrokerConnectionsAsync(ConnectionMultiplexer admin)
    {
        var list = await admin.GetServers()[0].ExecuteAsync("CLIENT", "LIST");
        return list.ToString().Split('\n').Count(client => client.Contains(" name=broker ", StringComparison.Ordinal));
    }

    private static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
