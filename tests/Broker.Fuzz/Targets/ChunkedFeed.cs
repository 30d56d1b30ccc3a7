using System.Buffers;

namespace Broker.Fuzz.Targets;

/// <summary>
/// Hands a byte stream to a parser the way a pipe does: in chunks, each its own segment, with the unconsumed tail kept
/// (unchanged, as the reader may have unmasked it in place) and handed back with the next chunk appended.
/// </summary>
internal sealed class ChunkedFeed
{
    private Segment? _head;
    private Segment? _tail;
    private int _headIndex;

    /// <summary>Appends a chunk and returns everything not consumed yet.</summary>
    public ReadOnlySequence<byte> Append(byte[] chunk)
    {
        if (_head is null)
        {
            _head = _tail = new Segment(chunk, 0);
            _headIndex = 0;
        }
        else
        {
            _tail = _tail!.Append(chunk);
        }
        return new ReadOnlySequence<byte>(_head, _headIndex, _tail, _tail.Memory.Length);
    }

    /// <summary>Keeps what the parser left of <paramref name="rest"/> for the next chunk.</summary>
    public void Consumed(in ReadOnlySequence<byte> rest)
    {
        if (rest.IsEmpty)
        {
            _head = _tail = null;
            return;
        }
        _head = (Segment)rest.Start.GetObject()!;
        _headIndex = rest.Start.GetInteger();
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
