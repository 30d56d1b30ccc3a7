namespace Broker.Core.Backplane;

/// <summary>
/// An answer from a topic's history: the topic's current <see cref="Position"/> and retained messages, oldest first.
/// </summary>
/// <param name="Position">The epoch and latest offset, read in the same step as the messages.</param>
/// <param name="Messages">Retained messages in ascending offset order.</param>
public sealed record HistoryPage(TopicPosition Position, IReadOnlyList<HistoryMessage> Messages)
{
    /// <summary>
    /// True when the page holds every offset from <paramref name="after"/> + 1 to the topic's latest (nothing trimmed,
    /// nothing beyond the page), i.e. a reader at <paramref name="after"/> misses nothing. Offsets are this page's epoch's.
    /// </summary>
    public bool IsWholeAfter(long after)
    {
        var latest = Position.Offset;
        return latest == after
               || Messages.Count > 0 && Messages[0].Offset == after + 1 && Messages[^1].Offset == latest;
    }
}

/// <summary>One retained message: its offset and the published data, byte for byte.</summary>
public readonly record struct HistoryMessage(long Offset, ReadOnlyMemory<byte> Data);
