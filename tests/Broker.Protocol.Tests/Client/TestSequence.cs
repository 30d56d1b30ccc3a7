using System.Buffers;

namespace Broker.Protocol.Tests.Client;

// Builds a ReadOnlySequence whose segments are chunkSize bytes long, to test parsing across segment boundaries.
internal static class TestSequence
{
    public static ReadOnlySequence<byte> Split(byte[] bytes, int chunkSize)
    {
        Segment? first = null;
        Segment? last = null;
        for (var i = 0; i < bytes.Length; i += chunkSize)
        {
            var segment = new Segment(bytes.AsMemory(i, Math.Min(chunkSize, bytes.Length - i)), last);
            first ??= segment;
            last = segment;
        }
        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, Segment? previous)
        {
            Memory = memory;
            if (previous is null)
                return;
            RunningIndex = previous.RunningIndex + previous.Memory.Length;
            previous.Next = this;
        }
    }
}
