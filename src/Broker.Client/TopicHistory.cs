namespace Broker.Client;

/// <summary>What <see cref="BrokerClient.HistoryAsync"/> returns: retained messages in ascending offset order, and the topic's latest position.</summary>
public sealed record TopicHistory(string Topic, TopicPosition Latest, IReadOnlyList<BrokerMessage> Messages);
