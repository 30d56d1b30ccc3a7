using Akka.Actor;
using Akka.DependencyInjection;
using Akka.Hosting;

namespace Broker.Server.Cluster;

/// <summary>Ties the ActorSystem's life to the host's.</summary>
internal static class ClusterActorSystem
{
    /// <summary>
    /// A node the cluster downed (split-brain resolver, or an operator) runs CoordinatedShutdown
    /// (<c>run-coordinated-shutdown-when-down</c>): <see cref="ClientDrain"/> closes its clients with 1001, then its
    /// ActorSystem terminates. So does a node that could not join within
    /// <c>shutdown-after-unsuccessful-join-seed-nodes</c> (hocon/cluster.hocon). Without actors the node cannot serve, so
    /// the host stops too, and <see cref="NodeRestart"/> records why: Program.cs then starts a fresh host (new
    /// ActorSystem, new Redis connections) that joins the cluster again as a new incarnation. On a normal shutdown the
    /// host is already stopping and the process exits.
    /// </summary>
    public static AkkaConfigurationBuilder StopHostWhenTerminated(this AkkaConfigurationBuilder akka) =>
        akka.AddStartup((system, _) =>
        {
            // Resolved once the system runs: asking the container from inside AddAkka's callback blocks the host start.
            var services = DependencyResolver.For(system).Resolver;
            var lifetime = services.GetService<IHostApplicationLifetime>();
            var restart = services.GetService<NodeRestart>();
            system.WhenTerminated.ContinueWith(_ =>
            {
                switch (CoordinatedShutdown.Get(system).ShutdownReason)
                {
                    case CoordinatedShutdown.ClusterDowningReason:
                        restart.Request("the cluster downed this node");
                        break;
                    case CoordinatedShutdown.ClusterJoinUnsuccessfulReason:
                        restart.Request("this node could not join the cluster in time");
                        break;
                }
                lifetime.StopApplication();
            }, TaskScheduler.Default);
        });
}
