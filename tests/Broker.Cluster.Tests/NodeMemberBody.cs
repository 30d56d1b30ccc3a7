namespace Broker.Cluster.Tests;

public sealed record NodeMemberBody(string Address, string Status, IReadOnlyList<string> Roles, bool Self, bool Reachable);
