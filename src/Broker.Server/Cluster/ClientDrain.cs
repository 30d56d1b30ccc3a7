using Akka;
using Akka.Actor;
using Broker.Core.Connections;
using Broker.Protocol;

namespace Broker.Server.Cluster;

/// <summary>
/// Closes every client with 1001 (going away: reconnect, to another node) as the first step of CoordinatedShutdown,
/// before the ActorSystem and with it the connection actors stop. A node the cluster downs never passes through the
/// host's ApplicationStopping (which does the same on SIGTERM), so without this its clients would see their
/// connections fail (1011) instead of a clean 1001.
/// </summary>
internal static class ClientDrain
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(1);

    public static void CloseClientsOnShutdown(ActorSystem system, IActorRef connections, ConnectionCounters counters,
        TimeSpan closeTimeout) =>
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeServiceUnbind, "close-clients-1001",
            async () =>
            {
                // Connections already closing (SIGTERM got here first) ignore a second Close.
                connections.Tell(new ConnectionSupervisor.CloseAll(CloseStatus.GoingAway));
                // Each connection ends once its peer answered the Close or close-timeout passed; wait for all of them.
                var deadline = DateTime.UtcNow + closeTimeout + Margin;
                while (counters.Open > 0 && DateTime.UtcNow < deadline)
                    await Task.Delay(Poll).ConfigureAwait(false);
                return Done.Instance;
            });
}
