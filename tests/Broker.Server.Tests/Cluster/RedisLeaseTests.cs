using System.Collections;
using Akka.Actor;
using Akka.Configuration;
using Akka.Coordination;
using Broker.Server.Cluster;
using Broker.Testing;
using StackExchange.Redis;

namespace Broker.Server.Tests.Cluster;

/// <summary>The split-brain resolver's lease against a real redis-server: one holder at a time, renewed, lost, released.</summary>
public sealed class RedisLeaseTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private const string LeaseName = "test-sbr";
    private readonly RedisServerProcess _redis = RedisServerProcess.Start();
    private ActorSystem _system = null!;
    private ConnectionMultiplexer _direct = null!;

    private string Key => $"{_system.Settings.Config.GetString("broker.redis.key-prefix")}lease:{LeaseName}";

    public async Task InitializeAsync()
    {
        // The node's own config in cluster mode (so the lease settings come from hocon/cluster.hocon), on the local
        // provider with short lease timings so expiry and renewal are observable quickly.
        var node = ClusterMode.Layer(BrokerConfig.Load(["--redis", _redis.Endpoint, "--seeds", "127.0.0.1:1"], new Hashtable(),
            BrokerConfig.DefaultsPath), ClusterMode.DefaultsPath);
        var config = ConfigurationFactory.ParseString("""
            akka.actor.provider = local
            akka.coordination.redis-lease { heartbeat-timeout = 3s, heartbeat-interval = 200ms }
            """).WithFallback(node);
        _system = ActorSystem.Create("lease-tests", config);
        _direct = await ConnectionMultiplexer.ConnectAsync(_redis.Endpoint);
    }

    public async Task DisposeAsync()
    {
        await _system.Terminate();
        await _direct.DisposeAsync();
        _redis.Dispose();
    }

    private Lease Lease(string owner) => LeaseProvider.Get(_system).GetLease(LeaseName, "akka.coordination.redis-lease", owner);

    [Fact]
    public async Task Acquire_TwoOwners_OnlyTheFirstHoldsItUntilItReleases()
    {
        var (a, b) = (Lease("node-a:4053"), Lease("node-b:4053"));

        Assert.IsType<RedisLease>(a);
        Assert.True(await a.Acquire());
        Assert.True(await a.Acquire()); // reentrant for its owner
        Assert.False(await b.Acquire());
        Assert.True(a.CheckLease());
        Assert.False(b.CheckLease());
        Assert.Equal("node-a:4053", (string?)await _direct.GetDatabase().StringGetAsync(Key));

        Assert.False(await b.Release()); // compare-and-delete: not b's to release
        Assert.True(await a.Release());
        Assert.False(a.CheckLease());
        Assert.True(await b.Acquire());
        Assert.Equal("node-b:4053", (string?)await _direct.GetDatabase().StringGetAsync(Key));
    }

    [Fact]
    public async Task Acquire_HolderCrashed_FreeOnceItsKeyExpires()
    {
        // A holder that crashed: its key is there and nobody renews it.
        await _direct.GetDatabase().StringSetAsync(Key, "crashed:4053", TimeSpan.FromMilliseconds(500));
        var survivor = Lease("survivor:4053");

        Assert.False(await survivor.Acquire());
        await Eventually.TrueAsync(() => survivor.Acquire(), Bound, "the crashed holder's lease expired and acquired");
        Assert.True(survivor.CheckLease());
    }

    [Fact]
    public async Task Acquire_Held_RenewedBeforeItsTimeToLiveRunsOut()
    {
        var holder = Lease("holder:4053");
        Assert.True(await holder.Acquire());
        var db = _direct.GetDatabase();
        var first = await db.KeyTimeToLiveAsync(Key);

        // Without renewal the time to live only falls; a renewal resets it to heartbeat-timeout (3 s). Read right after
        // the acquire it may already be the full 3 s (the same millisecond), which a renewal cannot exceed: so wait until
        // it has fallen below a reading, then for it to rise above that reading.
        TimeSpan? low = null;
        await Eventually.TrueAsync(async () => (low = await db.KeyTimeToLiveAsync(Key)) < first, Bound, "the time to live fell");
        await Eventually.TrueAsync(async () => await db.KeyTimeToLiveAsync(Key) > low, Bound, "the lease renewed");
        Assert.Equal("holder:4053", (string?)await db.StringGetAsync(Key));
        Assert.True(holder.CheckLease());
    }

    [Fact]
    public async Task Acquire_TakenOverInRedis_LostCallbackRunsAndCheckLeaseTurnsFalse()
    {
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = Lease("holder:4053");
        Assert.True(await holder.Acquire(_ => lost.TrySetResult()));

        await _direct.GetDatabase().StringSetAsync(Key, "usurper:4053", TimeSpan.FromSeconds(30));

        await lost.Task.WaitAsync(Bound);
        Assert.False(holder.CheckLease());
        Assert.Equal("usurper:4053", (string?)await _direct.GetDatabase().StringGetAsync(Key));
    }

    [Fact]
    public async Task Acquire_RedisDown_FailsWithLeaseExceptionNotAnAnswer()
    {
        var lease = Lease("node-a:4053");
        _redis.Kill();

        await Assert.ThrowsAsync<LeaseException>(() => lease.Acquire().WaitAsync(Bound));
        Assert.False(lease.CheckLease());
    }
}
