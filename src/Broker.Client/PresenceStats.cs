namespace Broker.Client;

/// <summary>What <see cref="BrokerClient.PresenceStatsAsync"/> returns: the topic's presence entries and the distinct non-null users among them.</summary>
public sealed record PresenceStats(string Topic, long Clients, long Users);
