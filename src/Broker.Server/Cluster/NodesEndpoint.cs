using Akka.Actor;
using Akka.Cluster;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Server.Cluster;

/// <summary>
/// <c>GET /api/nodes</c>: the cluster members as this node sees them (address, status, roles, reachability, which one
/// is this node, the leader). A node without seeds runs alone and lists itself as the one Up member, mode "single".
/// </summary>
internal static class NodesEndpoint
{
    public static void MapNodes(this WebApplication app) =>
        app.MapGet("/api/nodes", (ActorSystem system) => Results.Json(Describe(system)));

    private static NodeList Describe(ActorSystem system)
    {
        var provider = ((ExtendedActorSystem)system).Provider;
        if (provider is not ClusterActorRefProvider)
        {
            var address = provider.DefaultAddress.ToString();
            return new NodeList("single", address, address,
                [new NodeMember(address, nameof(MemberStatus.Up), [], Self: true, Reachable: true)]);
        }

        var cluster = AkkaCluster.Get(system);
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        var members = state.Members
            .Select(m => new NodeMember(
                m.Address.ToString(),
                m.Status.ToString(),
                m.Roles.Order(StringComparer.Ordinal).ToArray(),
                Self: m.UniqueAddress.Equals(cluster.SelfUniqueAddress),
                Reachable: !unreachable.Contains(m.UniqueAddress)))
            .ToArray();
        return new NodeList("cluster", cluster.SelfAddress.ToString(), state.Leader?.ToString(), members);
    }
}
