namespace Broker.Server.Cluster;

/// <summary>
/// One member in <c>GET /api/nodes</c>. <paramref name="Status"/> is Akka's member status (Joining, WeaklyUp, Up,
/// Leaving, Exiting, Down, Removed); <paramref name="Reachable"/> is false while the failure detector suspects it.
/// </summary>
internal sealed record NodeMember(string Address, string Status, IReadOnlyList<string> Roles, bool Self, bool Reachable);
