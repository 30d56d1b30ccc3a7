using Akka.Configuration;
using Broker.Core.Shards;

namespace Broker.Core.Tests.Shards;

public class ShardSettingsTests
{
    private static Config Defaults() => BrokerHocon.Load();

    [Fact]
    public void Create_FromBrokerHocon_PinsEveryDefault()
    {
        Assert.Equal(new ShardSettings(
            Count: Environment.ProcessorCount,
            MaxQueuedDeliveries: 200_000,
            MaxFlushDelay: TimeSpan.FromMilliseconds(2),
            Throughput: 32,
            SendOnShard: true,
            EpollReads: true), ShardSettings.Create(Defaults()));
    }

    [Fact]
    public void Create_ExplicitCount_IsKept()
    {
        var config = ConfigurationFactory.ParseString("broker.shards.count = 3").WithFallback(Defaults());

        Assert.Equal(3, ShardSettings.Create(config).Count);
    }

    [Theory]
    [InlineData("broker.shards.count = -1")]
    [InlineData("broker.shards.max-queued-deliveries = 0")]
    [InlineData("broker.shards.max-flush-delay = 0ms")]
    [InlineData("broker.shards.throughput = 0")]
    [InlineData("broker.shards.send-on-shard = sometimes")]
    [InlineData("broker.shards.epoll-reads = maybe")]
    public void Create_InvalidValue_Throws(string hocon)
    {
        var config = ConfigurationFactory.ParseString(hocon).WithFallback(Defaults());

        Assert.Throws<ConfigurationException>(() => ShardSettings.Create(config));
    }
}
