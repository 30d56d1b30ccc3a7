using Akka.Configuration;
using Broker.Core.Settings;

namespace Broker.Core.Shards;

/// <summary>The settings of <c>broker.shards</c> (hocon/broker.hocon holds every default).</summary>
/// <param name="Count">Event loops (threads) for connections; 0 in HOCON means one per core.</param>
/// <param name="MaxQueuedDeliveries">
/// Deliveries waiting in one shard's queue above which publishing connections stop being read (TCP pushes back).
/// </param>
/// <param name="MaxFlushDelay">Longest a busy shard runs work before it flushes what it wrote (coalescing bound).</param>
/// <param name="Throughput">Messages one actor processes per turn on a shard before the next actor runs.</param>
/// <param name="SendOnShard">
/// Flushes send on the shard's thread (Kestrel's inline scheduling) instead of going through Kestrel's I/O queues.
/// </param>
/// <param name="EpollReads">
/// Connections on the broker's own plaintext listener wait for data on one epoll set (Linux on x64; elsewhere ignored)
/// instead of each holding .NET's asynchronous receive state.
/// </param>
public sealed record ShardSettings(int Count, int MaxQueuedDeliveries, TimeSpan MaxFlushDelay, int Throughput,
    bool SendOnShard, bool EpollReads)
{
    /// <summary>Reads <c>broker.shards</c> from a configuration holding the <c>broker</c> root; errors name the key.</summary>
    public static ShardSettings Create(Config config)
    {
        var shards = SettingsSection.Of(config, "broker.shards");
        var count = shards.Int("count", 0, 1024);
        return new ShardSettings(
            count == 0 ? Environment.ProcessorCount : count,
            shards.Int("max-queued-deliveries", 1, int.MaxValue),
            shards.Duration("max-flush-delay"),
            shards.Int("throughput", 1, 1_000_000),
            shards.Switch("send-on-shard"),
            shards.Switch("epoll-reads"));
    }
}
