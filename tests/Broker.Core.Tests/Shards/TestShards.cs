using Akka.Actor;
using Broker.Core.Shards;

namespace Broker.Core.Tests.Shards;

// Shards for a test's ActorSystem: registered as its dispatchers, stopped when it terminates.
internal static class TestShards
{
    public static ShardSet Start(ActorSystem system, int count = 2, int maxQueuedDeliveries = 100_000)
    {
        var shards = new ShardSet(new ShardSettings(count, maxQueuedDeliveries, TimeSpan.FromMilliseconds(2), 32, SendOnShard: false, EpollReads: false));
        shards.Register(system);
        system.RegisterOnTermination(shards.Dispose);
        return shards;
    }
}
