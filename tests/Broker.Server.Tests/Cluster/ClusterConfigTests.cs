using System.Collections;
using Akka.Configuration;
using Broker.Redis;
using Broker.Server.Cluster;

namespace Broker.Server.Tests.Cluster;

public sealed class ClusterConfigTests
{
    private static Config Load(string[] args, Hashtable? environment = null) =>
        ClusterMode.Layer(BrokerConfig.Load(args, environment ?? new Hashtable(), BrokerConfig.DefaultsPath),
            ClusterMode.DefaultsPath);

    [Fact]
    public void Layer_NoSeeds_StaysOneNodeOnTheMemoryBackplane()
    {
        var config = Load([]);

        Assert.False(ClusterMode.IsEnabled(config));
        Assert.False(config.HasPath("akka.actor.provider"));
        Assert.Equal("memory", config.GetString("broker.backplane.type"));
    }

    [Fact]
    public void Load_SeedsFlag_BecomesAkkaSeedAddressesAndEnablesTheClusterLayer()
    {
        var config = Load(["--seeds", "node1:4053, node2:4054", "--cluster-host", "node2", "--cluster-port", "4054"]);

        Assert.True(ClusterMode.IsEnabled(config));
        Assert.Equal(["akka.tcp://broker@node1:4053", "akka.tcp://broker@node2:4054"],
            config.GetStringList("akka.cluster.seed-nodes"));
        Assert.Equal("node2", config.GetString("akka.remote.dot-netty.tcp.hostname"));
        Assert.Equal("node2", config.GetString("akka.remote.dot-netty.tcp.public-hostname"));
        Assert.Equal(4054, config.GetInt("akka.remote.dot-netty.tcp.port")); // the flag beats cluster.hocon's 4053
        Assert.Equal("cluster", config.GetString("akka.actor.provider"));
        Assert.Equal("lease-majority", config.GetString("akka.cluster.split-brain-resolver.active-strategy"));
    }

    [Fact]
    public void Load_AkkaEnvironmentVariables_SetAkkaKeysAndEnableTheCluster()
    {
        var config = Load([], new Hashtable
        {
            ["AKKA__CLUSTER__SEED_NODES"] = "[\"akka.tcp://broker@10.0.0.1:4053\"]",
            ["AKKA__CLUSTER__SPLIT_BRAIN_RESOLVER__STABLE_AFTER"] = "5s",
        });

        Assert.True(ClusterMode.IsEnabled(config));
        Assert.Equal(TimeSpan.FromSeconds(5), config.GetTimeSpan("akka.cluster.split-brain-resolver.stable-after"));
    }

    [Theory]
    [InlineData("node1")]
    [InlineData("node1:")]
    [InlineData(":4053")]
    [InlineData("node1:70000")]
    [InlineData("node\"1:4053")]
    [InlineData(",")]
    public void Load_MalformedSeed_Throws(string seeds) =>
        Assert.Throws<ArgumentException>(() => Load(["--seeds", seeds]));

    [Fact]
    public void Load_RedisFlag_SelectsTheRedisBackplaneAtThatEndpoint()
    {
        var config = Load(["--redis", "redis:6380"]);

        Assert.Equal("redis", config.GetString("broker.backplane.type"));
        Assert.Equal("redis:6380", RedisSettings.Create(config).Endpoint);
    }

    [Fact]
    public void Layer_ClusterMode_LeaseMajorityWithTheRedisLeaseAndItsDocumentedTimings()
    {
        var config = Load(["--seeds", "node1:4053"]);

        const string sbr = "akka.cluster.split-brain-resolver.lease-majority";
        Assert.Equal("akka.coordination.redis-lease", config.GetString($"{sbr}.lease-implementation"));
        Assert.Equal("broker-akka-sbr", config.GetString($"{sbr}.lease-name"));
        Assert.Equal(TimeSpan.FromSeconds(2), config.GetTimeSpan($"{sbr}.acquire-lease-delay-for-minority"));
        Assert.Equal(TimeSpan.FromSeconds(20), config.GetTimeSpan($"{sbr}.release-after"));
        Assert.Equal(typeof(RedisLease).AssemblyQualifiedName!.Split(',')[..2].Select(p => p.Trim()),
            config.GetString("akka.coordination.redis-lease.lease-class").Split(',').Select(p => p.Trim()));
        Assert.Equal(TimeSpan.FromSeconds(20), config.GetTimeSpan("akka.coordination.redis-lease.heartbeat-timeout"));
        Assert.Equal(TimeSpan.FromSeconds(2), config.GetTimeSpan("akka.coordination.redis-lease.heartbeat-interval"));
        Assert.Equal(TimeSpan.FromSeconds(5), config.GetTimeSpan("akka.coordination.redis-lease.lease-operation-timeout"));
        Assert.Equal(TimeSpan.FromSeconds(10), config.GetTimeSpan("akka.coordinated-shutdown.phases.before-service-unbind.timeout"));
        Assert.Equal(TimeSpan.FromSeconds(40), config.GetTimeSpan("akka.cluster.shutdown-after-unsuccessful-join-seed-nodes"));
    }
}
