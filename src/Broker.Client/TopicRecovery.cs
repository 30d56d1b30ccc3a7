namespace Broker.Client;

/// <summary>
/// The outcome of resubscribing a concrete topic after a reconnect. <paramref name="Recovered"/> true: the broker
/// replayed everything missed while disconnected (those messages reach the handlers first, in order, with no gap and no
/// duplicate). False: messages may have been lost (history no longer covered them, or the topic's epoch changed):
/// reload the state, e.g. with <see cref="BrokerClient.HistoryAsync"/>. <paramref name="Position"/> is the topic's latest.
/// </summary>
public sealed record TopicRecovery(string Topic, bool Recovered, TopicPosition Position);
