using Akka.DependencyInjection;
using Akka.Hosting;

namespace Broker.Server.Cluster;

/// <summary>Ties the ActorSystem's life to the process.</summary>
internal static class ClusterActorSystem
{
    /// <summary>
    /// A node the cluster downed (split-brain resolver, or an operator) runs CoordinatedShutdown
    /// (<c>run-coordinated-shutdown-when-down</c>) and its ActorSystem terminates, taking the connection actors with it.
    /// Without actors the node cannot serve, so the host stops too and the process exits: its clients reconnect to a
    /// node of the surviving side, and an orchestrator restarts it. On a normal shutdown the host is already stopping.
    /// </summary>
    public static AkkaConfigurationBuilder StopHostWhenTerminated(this AkkaConfigurationBuilder akka) =>
        akka.AddStartup((system, _) =>
        {
            // Resolved once the system runs: asking the container from inside AddAkka's callback blocks the host start.
            var lifetime = DependencyResolver.For(system).Resolver.GetService<IHostApplicationLifetime>();
            system.WhenTerminated.ContinueWith(_ => lifetime.StopApplication(), TaskScheduler.Default);
        });
}
