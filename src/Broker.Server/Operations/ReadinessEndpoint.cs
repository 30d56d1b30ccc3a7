using Akka.Actor;
using Akka.Cluster;
using Broker.Core.Backplane;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Server.Operations;

/// <summary>
/// <c>GET /readyz</c>, for load balancers and orchestrators deciding where to send traffic: 200 <c>ready</c> once the node
/// has joined the cluster (its own member is Up or WeaklyUp; always true for a single node) and its backplane accepts
/// publishes; otherwise 503 with the first reason (<c>stopping</c>, <c>not joined: Joining</c>, <c>backplane
/// unavailable</c>). Unauthenticated and cheap: it reads state the node already holds.
/// </summary>
internal static class ReadinessEndpoint
{
    public static void MapReadiness(this WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        var backplane = app.Services.GetRequiredService<IBackplane>();
        app.MapGet("/readyz", (ActorSystem system) =>
            NotReadyReason(system, backplane, stopping) is { } reason
                ? Results.Text(reason, statusCode: StatusCodes.Status503ServiceUnavailable)
                : Results.Text("ready"));
    }

    private static string? NotReadyReason(ActorSystem system, IBackplane backplane, CancellationToken stopping)
    {
        if (stopping.IsCancellationRequested)
            return "stopping";
        if (((ExtendedActorSystem)system).Provider is ClusterActorRefProvider)
        {
            var self = AkkaCluster.Get(system).SelfMember;
            if (self.Status is not (MemberStatus.Up or MemberStatus.WeaklyUp))
                return $"not joined: {self.Status}";
        }
        return backplane.IsHealthy ? null : "backplane unavailable";
    }
}
