namespace Broker.Client;

/// <summary>
/// A live subscription's topic changed epoch under it (Redis came back empty, the topic's history expired): the
/// messages that follow start again at offset 1 in <paramref name="Epoch"/>; some before it may have been lost.
/// </summary>
public sealed record TopicReset(string Topic, string Epoch);
