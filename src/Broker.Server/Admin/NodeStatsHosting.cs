using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Broker.Core.Backplane;
using Broker.Core.Connections;
using Broker.Core.Metrics;
using Broker.Server.Metrics;
using Broker.Server.PubSub;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Server.Admin;

/// <summary>Starts the node's <see cref="NodeStatsActor"/> at <c>/user/node-stats</c>, where other nodes' overviews ask it.</summary>
internal static class NodeStatsHosting
{
    public static AkkaConfigurationBuilder WithNodeStats(this AkkaConfigurationBuilder akka, IServiceProvider services) =>
        akka.WithActors((system, registry) =>
        {
            var provider = ((ExtendedActorSystem)system).Provider;
            var address = provider is ClusterActorRefProvider ? AkkaCluster.Get(system).SelfAddress : provider.DefaultAddress;
            var backplane = services.GetRequiredService<IBackplane>();
            var sources = new NodeStatsSources(
                address.ToString(),
                backplane is InMemoryBackplane ? "memory" : "redis",
                DateTimeOffset.UtcNow,
                services.GetRequiredService<ConnectionCounters>(),
                services.GetRequiredService<BrokerMetrics>(),
                backplane,
                services.GetRequiredService<TopicActivity>(),
                registry.Get<TopicRegistryKey>());
            system.ActorOf(NodeStatsActor.Props(sources), NodeStatsActor.Name);
        });
}
