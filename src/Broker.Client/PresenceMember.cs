namespace Broker.Client;

/// <summary>One connection in a topic's presence.</summary>
/// <param name="Client">The connection's id, unique cluster-wide (a client with two connections is two members).</param>
/// <param name="User">The token's <c>sub</c>; null for an anonymous connection.</param>
public sealed record PresenceMember(string Client, string? User);
