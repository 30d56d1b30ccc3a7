using Akka.Configuration;

namespace Broker.Core.Shards;

/// <summary>The settings of <c>broker.shards</c> (hocon/broker.hocon holds every default).</summary>
/// <param name="Count">Event loops (threads) for connections; 0 in HOCON means one per core.</param>
/// <param name="MaxQueuedDeliveries">
/// Deliveries waiting in one shard's queue above which publishing connections stop being read (TCP pushes back).
/// </param>
/// <param name="MaxFlushDelay">Longest a busy shard runs work before it flushes what it wrote (coalescing bound).</param>
/// <param name="Throughput">Messages one actor processes per turn on a shard before the next actor runs.</param>
public sealed record ShardSettings(int Count, int MaxQueuedDeliveries, TimeSpan MaxFlushDelay, int Throughput)
{
    /// <summary>Reads <c>broker.shards</c> from a configuration holding the <c>broker</c> root.</summary>
    public static ShardSettings Create(Config config)
    {
        var shards = config.GetConfig("broker.shards") ?? throw new ConfigurationException("missing section broker.shards");
        var count = shards.GetInt("count", -1);
        if (count < 0)
            throw new ConfigurationException("broker.shards.count must be 0 (one per core) or positive");
        var maxQueued = shards.GetInt("max-queued-deliveries", 0);
        if (maxQueued <= 0)
            throw new ConfigurationException("broker.shards.max-queued-deliveries must be positive");
        var delay = shards.GetTimeSpan("max-flush-delay", TimeSpan.Zero, allowInfinite: false);
        if (delay <= TimeSpan.Zero)
            throw new ConfigurationException("broker.shards.max-flush-delay must be positive");
        var throughput = shards.GetInt("throughput", 0);
        if (throughput <= 0)
            throw new ConfigurationException("broker.shards.throughput must be positive");
        return new ShardSettings(count == 0 ? Environment.ProcessorCount : count, maxQueued, delay, throughput);
    }
}
