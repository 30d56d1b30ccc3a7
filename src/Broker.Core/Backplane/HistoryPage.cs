namespace Broker.Core.Backplane;

/// <summary>
/// An answer from a topic's history: the topic's current <see cref="Position"/> and retained messages, oldest first.
/// </summary>
/// <param name="Position">The epoch and latest offset, read in the same step as the messages.</param>
/// <param name="Messages">Retained messages in ascending offset order.</param>
public sealed record HistoryPage(TopicPosition Position, IReadOnlyList<HistoryMessage> Messages);

/// <summary>One retained message: its offset and the published data, byte for byte.</summary>
public readonly record struct HistoryMessage(long Offset, ReadOnlyMemory<byte> Data);
