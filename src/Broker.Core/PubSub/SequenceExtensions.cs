using System.Buffers;

namespace Broker.Core.PubSub;

internal static class SequenceExtensions
{
    // Ids are short tokens, almost always in one segment: copy only when a frame boundary split one.
    public static ReadOnlySpan<byte> FirstSpanOrCopy(this in ReadOnlySequence<byte> sequence) =>
        sequence.IsSingleSegment ? sequence.FirstSpan : sequence.ToArray();

    public static byte[]? CopyOrNull(this in ReadOnlySequence<byte> sequence) =>
        sequence.IsEmpty ? null : sequence.ToArray();
}
