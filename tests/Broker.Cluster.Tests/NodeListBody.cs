namespace Broker.Cluster.Tests;

/// <summary>GET /api/nodes as the tests read it.</summary>
public sealed record NodeListBody(string Mode, string Self, string? Leader, IReadOnlyList<NodeMemberBody> Members);
