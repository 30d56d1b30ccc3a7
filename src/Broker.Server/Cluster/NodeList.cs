namespace Broker.Server.Cluster;

/// <summary>The body of <c>GET /api/nodes</c>; <paramref name="Leader"/> is null while the cluster has none (forming).</summary>
internal sealed record NodeList(string Mode, string Self, string? Leader, IReadOnlyList<NodeMember> Members);
