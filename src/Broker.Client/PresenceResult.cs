namespace Broker.Client;

/// <summary>
/// What <see cref="BrokerClient.PresenceAsync"/> returns: every connection subscribed to the concrete topic itself, on any
/// node (a wildcard subscription that matches it does not count).
/// </summary>
public sealed record PresenceResult(string Topic, IReadOnlyList<PresenceMember> Clients);
