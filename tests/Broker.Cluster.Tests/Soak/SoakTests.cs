using System.Diagnostics;
using System.Globalization;
using Broker.Testing;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Broker.Cluster.Tests.Soak;

/// <summary>
/// Connection churn on one node with the Redis backplane: clients connect, subscribe, and disconnect, many at once, at a
/// bounded rate. At the end the node holds no more handles than after the warm-up (every socket and Redis subscription
/// released) and its memory has not grown beyond a stated bound. The short run is part of <c>./build.sh test</c>;
/// <c>BROKER_SOAK=long</c> runs 50,000 cycles (docs/architecture.md). No timing is asserted.
/// </summary>
public sealed class SoakTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(120);
    private const int Workers = 16;
    private const int TopicCount = 100;
    private const int WarmUpCycles = 1_000;
    // Sockets still in TIME_WAIT hold no descriptor, but the runtime may keep a few more threads' or timers' handles.
    private const int HandleMargin = 16;
    // Heap growth the GC has not yet returned; a leak of 1 KiB per connection exceeds it within the long run's 50,000.
    private const long RssMarginBytes = 48L * 1024 * 1024;

    private readonly int _cycles = int.TryParse(Environment.GetEnvironmentVariable("BROKER_SOAK_CYCLES"), NumberStyles.None,
        CultureInfo.InvariantCulture, out var cycles) ? cycles
        : Environment.GetEnvironmentVariable("BROKER_SOAK") == "long" ? 50_000 : 3_000;
    private readonly int _ratePerSecond = Environment.GetEnvironmentVariable("BROKER_SOAK") == "long" ? 250 : 200;
    private RedisServerProcess _redis = null!;
    private BrokerProcess _node = null!;
    private ConnectionMultiplexer _direct = null!;

    public async Task InitializeAsync()
    {
        _redis = RedisServerProcess.Start();
        _node = await BrokerProcess.StartAsync(["--redis", _redis.Endpoint],
            new Dictionary<string, string> { ["BROKER__PUBSUB__TOPIC_IDLE_TTL"] = "200ms" });
        _direct = await ConnectionMultiplexer.ConnectAsync(_redis.Endpoint);
    }

    public async Task DisposeAsync()
    {
        await _direct.DisposeAsync();
        await _node.DisposeAsync();
        _redis.Dispose();
    }

    [Fact]
    public async Task Churn_ConnectSubscribeDisconnectAtABoundedRate_HandlesAndMemoryFlat()
    {
        await ChurnAsync(WarmUpCycles);
        var baseline = await SettledAsync(int.MaxValue);

        var clock = Stopwatch.StartNew();
        var failures = await ChurnAsync(_cycles);
        var elapsed = clock.Elapsed;
        var end = await SettledAsync(baseline.Handles + HandleMargin);

        output.WriteLine($"soak: {_cycles} connect/subscribe/disconnect cycles in {elapsed.TotalSeconds:0} s " +
                         $"(bound {_ratePerSecond}/s, {Workers} at once), {failures} failed; after warm-up {baseline}; " +
                         $"at the end {end}; load average {File.ReadAllText("/proc/loadavg").Trim()}");
        Assert.Equal(0, failures);
        Assert.True(end.Handles <= baseline.Handles + HandleMargin, $"handles grew: {baseline} -> {end}");
        Assert.True(end.RssBytes <= baseline.RssBytes + RssMarginBytes, $"memory grew: {baseline} -> {end}");
    }

    // Each worker connects, subscribes to one of a hundred topics, and closes; the cycles start at most at the rate.
    private async Task<int> ChurnAsync(int cycles)
    {
        var next = -1;
        var failures = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(_ => Task.Run(async () =>
        {
            for (var i = Interlocked.Increment(ref next); i < cycles; i = Interlocked.Increment(ref next))
            {
                var due = TimeSpan.FromSeconds((double)i / _ratePerSecond);
                if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
                try
                {
                    await using var client = await BrokerClient.ConnectAsync(_node.WebSocketUri);
                    await client.SubscribeAsync($"soak.{i % TopicCount}");
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })));
        return failures;
    }

    // Every connection gone (the node released every Redis channel once its topics idled out) and the handle count at
    // most `handles`: then the reading is taken.
    private async Task<ProcessResources> SettledAsync(int handles)
    {
        var server = _direct.GetServer(_direct.GetEndPoints()[0]);
        await Eventually.TrueAsync(async () => (await server.SubscriptionChannelsAsync(RedisChannel.Pattern("*soak*"))).Length == 0,
            Bound, "every soak topic's Redis channel released");
        await Eventually.TrueAsync(() => ProcessResources.Of(_node.ProcessId).Handles <= handles, Bound,
            $"at most {handles} handles");
        return ProcessResources.Of(_node.ProcessId);
    }
}
