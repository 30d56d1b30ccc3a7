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
    /// ActorSystem terminates. Without actors the node cannot serve, so the host stops too, and
    /// <see cref="NodeRestart"/> records that it was downed: Program.cs then starts a fresh host (new ActorSystem, new
    /// Redis connections) that joins the cluster again as a new incarnation. On a normal shutdown the host is already
    /// stopping and the process exits.
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
                if (CoordinatedShutdown.Get(system).ShutdownReason is CoordinatedShutdown.ClusterDowningReason)
                    restart.Downed();
                lifetime.StopApplication();
            }, TaskScheduler.Default);
        });
}
