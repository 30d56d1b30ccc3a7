namespace Broker.Client;

/// <summary>
/// Where a subscriber stands in a topic's stream: the last <paramref name="Offset"/> it has in <paramref name="Epoch"/>.
/// Offsets compare only within one epoch; the epoch changes when the broker lost the topic's past (docs/protocol.md).
/// </summary>
public sealed record TopicPosition(string Epoch, long Offset);
