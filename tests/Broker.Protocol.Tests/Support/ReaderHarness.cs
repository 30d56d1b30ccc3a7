using System.Buffers;
using Broker.Protocol.Framing;

namespace Broker.Protocol.Tests.Support;

/// <summary>
/// Feeds a byte stream to a <see cref="MessageReader"/> the way a pipe would: chunks arrive one after another, each as
/// its own segment, and unconsumed bytes stay buffered for the next read.
/// </summary>
internal static class ReaderHarness
{
    public sealed record Message(OpCode OpCode, byte[] Payload);

    /// <summary>Reads the whole stream fed in chunks of the given sizes (the last size repeats).</summary>
    public static List<Message> ReadAll(MessageReader reader, byte[] stream, IReadOnlyList<int> chopSizes)
    {
        var messages = new List<Message>();
        Segment? head = null, tail = null;
        var headIndex = 0;
        var position = 0;
        var chop = 0;
        while (position < stream.Length)
        {
            var size = Math.Min(chopSizes[Math.Min(chop++, chopSizes.Count - 1)], stream.Length - position);
            var chunk = stream[position..(position + size)];
            position += size;
            if (head is null)
            {
                head = tail = new Segment(chunk, 0);
                headIndex = 0;
            }
            else
            {
                tail = tail!.Append(chunk);
            }

            var buffer = new ReadOnlySequence<byte>(head, headIndex, tail, tail.Memory.Length);
            while (reader.TryRead(ref buffer, out var message))
                messages.Add(new Message(message.OpCode, message.Payload.ToArray()));
            if (buffer.IsEmpty)
            {
                head = tail = null;
                continue;
            }
            // Keep the unconsumed tail, as a pipe does after AdvanceTo(consumed, examined).
            head = (Segment)buffer.Start.GetObject()!;
            headIndex = buffer.Start.GetInteger();
        }
        return messages;
    }

    public static List<Message> ReadAll(MessageReader reader, byte[] stream, int chopSize) =>
        ReadAll(reader, stream, [chopSize]);

    /// <summary>The whole stream at once, and one byte per segment.</summary>
    public static IEnumerable<int> WholeAndOneByte(byte[] stream) => [stream.Length, 1];

    public static ReadOnlySequence<byte> Build(IReadOnlyList<byte[]> chunks)
    {
        if (chunks.Count == 0)
            return ReadOnlySequence<byte>.Empty;
        var first = new Segment(chunks[0], 0);
        var last = first;
        for (var i = 1; i < chunks.Count; i++)
            last = last.Append(chunks[i]);
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>One segment per chunk of <paramref name="size"/> bytes.</summary>
    public static ReadOnlySequence<byte> Chop(byte[] bytes, int size) =>
        Build(bytes.Chunk(Math.Max(1, size)).ToList());

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
