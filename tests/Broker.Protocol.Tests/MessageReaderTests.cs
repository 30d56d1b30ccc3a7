using System.Buffers;
using System.Text;
using Broker.Protocol.Framing;
using Broker.Protocol.Tests.Support;
using static Broker.Protocol.Tests.Support.ClientFrames;

namespace Broker.Protocol.Tests;

public class MessageReaderTests
{
    private static readonly MessageReaderOptions ServerSide = new(MaxMessageBytes: 1 << 20);
    private static readonly MessageReaderOptions ClientSide = new(MaxMessageBytes: 1 << 20, RequireMaskedFrames: false);

    private static readonly byte[] Hello = "Hello"u8.ToArray();
    private static readonly byte[] Bytes256 = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
    private static readonly byte[] Bytes64K = Enumerable.Range(0, 65536).Select(i => (byte)(i * 7)).ToArray();

    public static TheoryData<string, bool, byte[], OpCode[], string[]> GoldenFrames => new()
    {
        // RFC 6455 §5.7, byte for byte.
        { "single-frame unmasked text", false, [0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f], [OpCode.Text], ["Hello"] },
        { "single-frame masked text", true, [0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58], [OpCode.Text], ["Hello"] },
        { "fragmented unmasked text", false, [0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f], [OpCode.Text], ["Hello"] },
        { "unmasked ping", false, [0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f], [OpCode.Ping], ["Hello"] },
        { "masked pong", true, [0x8a, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58], [OpCode.Pong], ["Hello"] },
        // Our own: the RFC's fragmented example masked, with a ping between the fragments (§5.5).
        { "masked fragments around a ping", true,
            Concat(Frame(OpCode.Text, "Hel"u8, fin: false), Frame(OpCode.Ping, "p"u8), Frame(OpCode.Continuation, "lo"u8)),
            [OpCode.Ping, OpCode.Text], ["p", "Hello"] },
        { "empty text and empty close", true, Concat(Frame(OpCode.Text, []), Frame(OpCode.Close, [])), [OpCode.Text, OpCode.Close], ["", ""] },
        { "non-minimal 16-bit length", true, Frame(OpCode.Text, "Hi"u8, lengthForm: 16), [OpCode.Text], ["Hi"] },
        { "non-minimal 64-bit length", true, Frame(OpCode.Text, "Hi"u8, lengthForm: 64), [OpCode.Text], ["Hi"] },
        { "empty fragments", true,
            Concat(Frame(OpCode.Text, [], fin: false), Frame(OpCode.Continuation, "é"u8[..1], fin: false),
                Frame(OpCode.Continuation, [], fin: false), Frame(OpCode.Continuation, "é"u8[1..])),
            [OpCode.Text], ["é"] },
    };

    [Theory]
    [MemberData(nameof(GoldenFrames))]
    public void TryRead_GoldenFrames_ReturnsMessages(string name, bool masked, byte[] stream, OpCode[] opCodes, string[] payloads)
    {
        foreach (var chop in ReaderHarness.WholeAndOneByte(stream))
        {
            using var reader = new MessageReader(masked ? ServerSide : ClientSide);
            var messages = ReaderHarness.ReadAll(reader, stream.ToArray(), chop);
            Assert.True(opCodes.SequenceEqual(messages.Select(m => m.OpCode)), $"{name}, chop {chop}");
            Assert.Equal(payloads, messages.Select(m => Encoding.UTF8.GetString(m.Payload)));
        }
    }

    [Fact]
    public void TryRead_Rfc256ByteBinary_ReturnsPayload()
    {
        // RFC 6455 §5.7: 0x82 0x7E 0x0100 followed by 256 bytes.
        byte[] stream = [0x82, 0x7E, 0x01, 0x00, .. Bytes256];
        foreach (var chop in ReaderHarness.WholeAndOneByte(stream))
        {
            using var reader = new MessageReader(ClientSide);
            var message = Assert.Single(ReaderHarness.ReadAll(reader, stream.ToArray(), chop));
            Assert.Equal(OpCode.Binary, message.OpCode);
            Assert.Equal(Bytes256, message.Payload);
        }
    }

    [Fact]
    public void TryRead_Rfc64KiBBinary_ReturnsPayload()
    {
        // RFC 6455 §5.7: 0x82 0x7F 0x0000000000010000 followed by 65536 bytes.
        byte[] stream = [0x82, 0x7F, 0, 0, 0, 0, 0, 1, 0, 0, .. Bytes64K];
        foreach (var chop in new[] { stream.Length, 1, 1000 })
        {
            using var reader = new MessageReader(ClientSide);
            var message = Assert.Single(ReaderHarness.ReadAll(reader, stream.ToArray(), chop));
            Assert.Equal(Bytes64K, message.Payload);
        }
    }

    [Fact]
    public void TryRead_Masked64KiBSplitAcrossSegments_ReturnsUnmaskedPayload()
    {
        var stream = Frame(OpCode.Binary, Bytes64K, maskKey: [1, 2, 3, 4]);
        foreach (var chop in new[] { 1, 3, 7, 61, 4096 })
        {
            using var reader = new MessageReader(ServerSide);
            var message = Assert.Single(ReaderHarness.ReadAll(reader, stream.ToArray(), chop));
            Assert.Equal(Bytes64K, message.Payload);
        }
    }

    [Fact]
    public void TryRead_PartialFrame_ConsumesNothingAndReturnsFalse()
    {
        using var reader = new MessageReader(ServerSide);
        var frame = Frame(OpCode.Text, Hello);
        var buffer = ReaderHarness.Chop(frame[..^1], 4);

        Assert.False(reader.TryRead(ref buffer, out _));

        Assert.Equal(frame.Length - 1, buffer.Length);
    }

    [Fact]
    public void TryRead_UnfragmentedMessage_PayloadIsSliceOfInput()
    {
        using var reader = new MessageReader(ServerSide);
        var frame = Frame(OpCode.Binary, Hello);
        var buffer = new ReadOnlySequence<byte>(frame);

        Assert.True(reader.TryRead(ref buffer, out var message));

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(message.Payload.First, out var segment));
        Assert.Same(frame, segment.Array);
        Assert.Equal(frame.Length - Hello.Length, segment.Offset);
        Assert.Equal(Hello, message.Payload.ToArray());
    }

    [Fact]
    public void TryRead_TextFrameArrivingInPieces_PayloadIsStillSliceOfInput()
    {
        using var reader = new MessageReader(ServerSide);
        var text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("héllo 🌍 ", 40)));
        var frame = Frame(OpCode.Text, text);

        // A pipe hands the same memory back with more bytes each time until the frame is complete.
        for (var end = 3; end < frame.Length; end += 37)
        {
            var prefix = new ReadOnlySequence<byte>(frame, 0, end);
            Assert.False(reader.TryRead(ref prefix, out _));
            Assert.Equal(end, prefix.Length);
        }
        var buffer = new ReadOnlySequence<byte>(frame);
        Assert.True(reader.TryRead(ref buffer, out var message));

        Assert.True(System.Runtime.InteropServices.MemoryMarshal.TryGetArray(message.Payload.First, out var segment));
        Assert.Same(frame, segment.Array);
        Assert.Equal(text, message.Payload.ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryRead_TwoFramesInOneBuffer_ReturnsBothInOrder()
    {
        using var reader = new MessageReader(ServerSide);
        var buffer = new ReadOnlySequence<byte>(Concat(Frame(OpCode.Text, "a"u8), Frame(OpCode.Binary, "b"u8)));

        Assert.True(reader.TryRead(ref buffer, out var first));
        Assert.Equal("a", Encoding.UTF8.GetString(first.Payload.ToArray()));
        Assert.True(reader.TryRead(ref buffer, out var second));
        Assert.Equal(OpCode.Binary, second.OpCode);
        Assert.True(buffer.IsEmpty);
        Assert.False(reader.TryRead(ref buffer, out _));
    }

    [Fact]
    public void TryRead_MessageAtExactLimit_IsAccepted()
    {
        using var reader = new MessageReader(new MessageReaderOptions(MaxMessageBytes: 10));
        var stream = Concat(Frame(OpCode.Binary, new byte[4], fin: false), Frame(OpCode.Continuation, new byte[6]));

        var message = Assert.Single(ReaderHarness.ReadAll(reader, stream, 1));

        Assert.Equal(10, message.Payload.Length);
    }
}
