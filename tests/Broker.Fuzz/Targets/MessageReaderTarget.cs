using System.Buffers;
using System.IO.Compression;
using System.Text.Unicode;
using Broker.Protocol;
using Broker.Protocol.Compression;
using Broker.Protocol.Framing;

namespace Broker.Fuzz.Targets;

/// <summary>
/// <see cref="MessageReader"/>, with or without permessage-deflate. The first input byte picks how the rest is chopped
/// into pipe reads and which side (server: masked frames required; client: unmasked) reads. Invariants: the only
/// exception is <see cref="WebSocketProtocolException"/> with a close code a reader may send (1002, 1007, 1008, 1009);
/// no message exceeds the limit, no control frame exceeds 125 bytes, every text message is valid UTF-8; the managed
/// memory allocated while reading one input stays within a few times the limit.
/// </summary>
internal sealed class MessageReaderTarget(bool deflate) : IFuzzTarget
{
    public const int MaxMessageBytes = 64 * 1024;
    private const long AllocationBound = 6L * MaxMessageBytes + (256 << 10);
    private static readonly int[] ChopSizes = [1, 2, 3, 7, 16, 64, 1000, int.MaxValue];

    public string Name => deflate ? "reader-deflate" : "reader";

    public IReadOnlyList<byte[]> Seeds { get; } = deflate ? DeflateSeeds() : PlainSeeds();

    public void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
            return;
        var control = input[0];
        var stream = input[1..].ToArray();
        var clientSide = (control & 0x08) != 0;
        var parameters = deflate ? new DeflateParameters(true, (control & 0x10) != 0, 15, 9 + (control >> 5)) : null;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        using (var reader = new MessageReader(new MessageReaderOptions(MaxMessageBytes, parameters,
                   RequireMaskedFrames: !clientSide, MaxEmptyFragments: 16)))
        {
            try
            {
                Feed(reader, stream, ChopSizes[control & 0x07]);
            }
            catch (WebSocketProtocolException e) when (e.Status is CloseStatus.ProtocolError or CloseStatus.InvalidPayloadData
                                                           or CloseStatus.PolicyViolation or CloseStatus.MessageTooBig)
            {
            }
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        if (allocated > AllocationBound + 4L * stream.Length)
            throw new FuzzInvariantException($"reading {stream.Length} bytes allocated {allocated} bytes");
    }

    private static void Feed(MessageReader reader, byte[] stream, int chop)
    {
        var feed = new ChunkedFeed();
        for (var position = 0; position < stream.Length;)
        {
            var size = Math.Min(chop, stream.Length - position);
            var buffer = feed.Append(stream[position..(position + size)]);
            position += size;
            while (reader.TryRead(ref buffer, out var message))
                Check(message);
            feed.Consumed(buffer);
        }
    }

    private static void Check(in ReceivedMessage message)
    {
        var length = message.Payload.Length;
        if (message.OpCode is OpCode.Close or OpCode.Ping or OpCode.Pong)
        {
            if (length > 125)
                throw new FuzzInvariantException($"{message.OpCode} frame of {length} bytes returned");
            return;
        }
        if (length > MaxMessageBytes)
            throw new FuzzInvariantException($"message of {length} bytes returned; the limit is {MaxMessageBytes}");
        if (message.OpCode == OpCode.Text && !Utf8.IsValid(message.Payload.ToArray()))
            throw new FuzzInvariantException("invalid UTF-8 returned as a text message");
    }

    private static byte[][] PlainSeeds() =>
    [
        [0x00, .. Frame(0x81, "hello"u8)],
        [0x01, .. Frame(0x82, new byte[300])],
        [0x02, .. Frame(0x01, "frag"u8), .. Frame(0x89, "ping"u8), .. Frame(0x80, "ment"u8)],
        [0x03, .. Frame(0x88, [0x03, 0xE8, (byte)'b', (byte)'y', (byte)'e'])],
        [0x04, .. Frame(0x01, [0xE2, 0x82]), .. Frame(0x00, []), .. Frame(0x80, [0xAC])],
        [0x05, .. Frame(0x82, new byte[70_000])],
        [0x0F, .. Frame(0x81, "unmasked server text"u8, masked: false), .. Frame(0x8A, [], masked: false)],
    ];

    private static byte[][] DeflateSeeds()
    {
        var text = Compress("{\"type\":\"publish\",\"topic\":\"a.b\",\"data\":{\"x\":[1,2,3]}}"u8.ToArray());
        var random = new byte[4000];
        new Random(7).NextBytes(random);
        return
        [
            [0x00, .. Frame(0xC1, [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00])],
            [0x11, .. Frame(0x41, [0xf2, 0x48, 0xcd]), .. Frame(0x89, []), .. Frame(0x80, [0xc9, 0xc9, 0x07, 0x00])],
            [0x02, .. Frame(0xC1, [0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00]), .. Frame(0xC1, [0xf2, 0x00, 0x11, 0x00, 0x00])],
            [0x03, .. Frame(0xC1, text), .. Frame(0xC1, text)],
            [0x05, .. Frame(0xC2, Compress(random))],
            [0x16, .. Frame(0xC2, Compress(new byte[200_000]))],
        ];
    }

    // RFC 7692 §7.2.1: raw deflate, sync flush, trailing 00 00 FF FF removed.
    private static byte[] Compress(byte[] data)
    {
        var output = new MemoryStream();
        using (var deflater = new DeflateStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflater.Write(data);
            deflater.Flush();
        }
        var bytes = output.ToArray();
        return bytes.AsSpan().EndsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFF, 0xFF]) ? bytes[..^4] : bytes;
    }

    private static byte[] Frame(byte first, ReadOnlySpan<byte> payload, bool masked = true)
    {
        var frame = new List<byte> { first };
        var maskBit = masked ? 0x80 : 0;
        if (payload.Length < 126)
        {
            frame.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            frame.Add((byte)(maskBit | 126));
            frame.Add((byte)(payload.Length >> 8));
            frame.Add((byte)payload.Length);
        }
        else
        {
            frame.Add((byte)(maskBit | 127));
            for (var shift = 56; shift >= 0; shift -= 8)
                frame.Add((byte)((long)payload.Length >> shift));
        }
        byte[] key = [0x12, 0x34, 0x56, 0x78];
        if (masked)
            frame.AddRange(key);
        for (var i = 0; i < payload.Length; i++)
            frame.Add(masked ? (byte)(payload[i] ^ key[i & 3]) : payload[i]);
        return frame.ToArray();
    }
}
