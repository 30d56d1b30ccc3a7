using Broker.Core.Presence;
using Broker.Testing;
using StackExchange.Redis;

namespace Broker.Redis.Tests;

/// <summary>
/// Presence storage in a real Redis (PresenceScript): per-entry expiry, the batched refresh, the sweep that announces
/// a stopped node's clients as leaves, O(1) counters and keys that all expire. presence-ttl is 2 s here.
/// </summary>
public sealed class RedisPresenceTests : IAsyncLifetime
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
        var settings = RedisFixture.Settings(_server, _prefix) with { PresenceTtl = TimeSpan.FromSeconds(2) };
        var namespaces = RedisFixture.Namespaces("broker.namespaces.default { presence = on, join-leave = on }");
        _nodeA = await RedisFixture.StartNodeAsync(settings, _sinkA, namespaces: namespaces);
        _nodeB = await RedisFixture.StartNodeAsync(settings, _sinkB, namespaces: namespaces);
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        _server.Dispose();
    }

    [Fact]
    public async Task Join_NodeStopsRefreshing_ItsClientsExpireAndTheOtherNodeAnnouncesTheirLeave()
    {
        await _nodeB.SubscribeAsync("room");
        _nodeB.Join("room", new PresenceMember("b1", null));
        Assert.Equal(new PresenceStats(1, 0), await _nodeB.StatsAsync("room")); // behind the join on B's connection
        _nodeA.Join("room", new PresenceMember("a1", "ann"));
        _nodeA.Join("room", new PresenceMember("a2", "ann"));
        await Eventually.TrueAsync(() => _sinkB.Announcements.Count == 3, Bound, "three joins announced");
        Assert.Equal(new PresenceStats(3, 1), await _nodeB.StatsAsync("room"));

        await _nodeA.DisposeAsync(); // stops refreshing without leaving, as a killed node would

        await Eventually.TrueAsync(() => _sinkB.Announcements.Count == 5, Bound, "two leaves announced");
        Assert.Equal(
            [("room", true, "b1"), ("room", true, "a1"), ("room", true, "a2"), ("room", false, "a1"), ("room", false, "a2")],
            _sinkB.Announcements.Select(a => (a.Topic, a.Joined, a.Member.Client)));
        Assert.Equal([new PresenceMember("b1", null)], await _nodeB.ListAsync("room"));
        Assert.Equal(new PresenceStats(1, 0), await _nodeB.StatsAsync("room"));
    }

    [Fact]
    public async Task Refresh_RedisLostTheEntries_TheNodeJoinsItsClientsAgain()
    {
        _nodeA.Join("room", new PresenceMember("a1", "ann"));
        Assert.Equal(new PresenceStats(1, 1), await _nodeA.StatsAsync("room"));
        await using var admin = await ConnectionMultiplexer.ConnectAsync(_server.Endpoint);
        var keys = new[] { "presence", "presence-users", "presence-counts" }.Select(k => (RedisKey)$"{_prefix}{{room}}:{k}").ToArray();

        Assert.Equal(3, await admin.GetDatabase().KeyDeleteAsync(keys));

        await Eventually.TrueAsync(async () => await _nodeA.StatsAsync("room") == new PresenceStats(1, 1), Bound,
            "the entry back after a refresh pass");
    }

    [Fact]
    public async Task Join_ManyTopicsThenLeaveOrStop_EveryKeyHasATtlAndAllExpire()
    {
        for (var i = 0; i < 200; i++)
        {
            _nodeA.Join($"room.t{i}", new PresenceMember("a", i % 2 == 0 ? "ann" : null));
            _nodeB.Join($"room.t{i}", new PresenceMember("b", "bo"));
        }
        _nodeB.Leave("room.t0", "b");
        // Each node's commands reach Redis in order; the two nodes' relative order is not known, hence the wait.
        await Eventually.TrueAsync(async () => await _nodeB.StatsAsync("room.t0") == new PresenceStats(1, 1)
            && await _nodeB.StatsAsync("room.t199") == new PresenceStats(2, 1), Bound, "both nodes' joins and B's leave applied");

        await using var admin = await ConnectionMultiplexer.ConnectAsync(_server.Endpoint + ",allowAdmin=true");
        var server = admin.GetServer(_server.Endpoint);
        var keys = server.Keys(pattern: _prefix + "*", pageSize: 1000).ToArray();
        Assert.InRange(keys.Length, 400, 600); // 2 or 3 per topic: the anonymous-only ones have no user counts
        var ttls = await Task.WhenAll(keys.Select(k => admin.GetDatabase().KeyTimeToLiveAsync(k)));
        Assert.All(ttls, ttl => Assert.InRange(ttl!.Value, TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(2)));

        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        await Eventually.TrueAsync(() => !server.Keys(pattern: _prefix + "*").Any(), Bound, "every presence key expired");
    }
}
