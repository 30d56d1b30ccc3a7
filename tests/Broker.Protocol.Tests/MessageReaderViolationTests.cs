using System.Buffers;
using Broker.Protocol.Compression;
using Broker.Protocol.Framing;
using Broker.Protocol.Tests.Support;
using static Broker.Protocol.Tests.Support.ClientFrames;

namespace Broker.Protocol.Tests;

public class MessageReaderViolationTests
{
    private static readonly DeflateParameters Deflate = new(false, false, 15, 15);

    public static TheoryData<string, byte[], CloseStatus, bool> Violations()
    {
        var data = new TheoryData<string, byte[], CloseStatus, bool>
        {
            { "RSV2 set", Frame(OpCode.Text, "a"u8, rsv2: true), CloseStatus.ProtocolError, false },
            { "RSV3 set", Frame(OpCode.Binary, "a"u8, rsv3: true), CloseStatus.ProtocolError, true },
            { "RSV1 without deflate", Frame(OpCode.Text, "a"u8, rsv1: true), CloseStatus.ProtocolError, false },
            { "RSV1 on a ping", Frame(OpCode.Ping, "a"u8, rsv1: true), CloseStatus.ProtocolError, true },
            { "RSV1 on a continuation", Concat(Frame(OpCode.Text, [0xf2], fin: false, rsv1: true),
                Frame(OpCode.Continuation, [0x00], rsv1: true)), CloseStatus.ProtocolError, true },
            { "unmasked client frame", Frame(OpCode.Text, "a"u8, masked: false), CloseStatus.ProtocolError, false },
            { "ping over 125 bytes", Frame(OpCode.Ping, new byte[126]), CloseStatus.ProtocolError, false },
            { "fragmented ping", Frame(OpCode.Ping, "a"u8, fin: false), CloseStatus.ProtocolError, false },
            { "fragmented close", Frame(OpCode.Close, [0x03, 0xe8], fin: false), CloseStatus.ProtocolError, false },
            { "continuation without a message", Frame(OpCode.Continuation, "a"u8), CloseStatus.ProtocolError, false },
            { "text inside a fragmented message", Concat(Frame(OpCode.Text, "a"u8, fin: false), Frame(OpCode.Text, "b"u8)),
                CloseStatus.ProtocolError, false },
            { "binary inside a fragmented message", Concat(Frame(OpCode.Binary, "a"u8, fin: false), Frame(OpCode.Binary, "b"u8)),
                CloseStatus.ProtocolError, false },
            { "64-bit length with MSB set", [0x82, 0xFF, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4], CloseStatus.ProtocolError, false },
            { "invalid UTF-8 text", Frame(OpCode.Text, [0x48, 0xC0, 0x80]), CloseStatus.InvalidPayloadData, false },
            { "UTF-8 surrogate", Frame(OpCode.Text, [0xED, 0xA0, 0x80]), CloseStatus.InvalidPayloadData, false },
            { "text ends inside a code point", Concat(Frame(OpCode.Text, "a"u8, fin: false), Frame(OpCode.Continuation, [0xE2, 0x82])),
                CloseStatus.InvalidPayloadData, false },
            { "close with one byte", Frame(OpCode.Close, [0x03]), CloseStatus.ProtocolError, false },
            { "close with reason not UTF-8", Frame(OpCode.Close, [0x03, 0xe8, 0xFF]), CloseStatus.InvalidPayloadData, false },
            { "invalid deflate data", Frame(OpCode.Binary, [0xFF, 0xFF, 0xFF], rsv1: true), CloseStatus.InvalidPayloadData, true },
            { "compressed text not UTF-8", Frame(OpCode.Text, Compress([0x61, 0xFF, 0x62]), rsv1: true), CloseStatus.InvalidPayloadData, true },
        };
        foreach (var opCode in new byte[] { 3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF })
            data.Add($"reserved opcode {opCode:X}", Frame((OpCode)opCode, []), CloseStatus.ProtocolError, false);
        foreach (var code in new ushort[] { 0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535 })
            data.Add($"close code {code}", Frame(OpCode.Close, [(byte)(code >> 8), (byte)code]), CloseStatus.ProtocolError, false);
        return data;
    }

    [Theory]
    [MemberData(nameof(Violations))]
    public void TryRead_Violation_ThrowsWithCloseCode(string name, byte[] stream, CloseStatus expected, bool deflate)
    {
        foreach (var chop in ReaderHarness.WholeAndOneByte(stream))
        {
            using var reader = new MessageReader(new MessageReaderOptions(1 << 20, deflate ? Deflate : null));
            var error = Assert.Throws<WebSocketProtocolException>(() => ReaderHarness.ReadAll(reader, stream.ToArray(), chop));
            Assert.True(expected == error.Status, $"{name} (chop {chop}): expected {expected}, got {error.Status}: {error.Message}");
        }
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1014)]
    [InlineData(3000)]
    [InlineData(4999)]
    public void TryRead_CloseWithValidCode_ReturnsClose(int code)
    {
        using var reader = new MessageReader(new MessageReaderOptions(1 << 20));
        var stream = Frame(OpCode.Close, [(byte)(code >> 8), (byte)code, .. "bye"u8]);

        var message = Assert.Single(ReaderHarness.ReadAll(reader, stream, 1));

        Assert.Equal(OpCode.Close, message.OpCode);
    }

    [Fact]
    public void TryRead_OversizedFrameHeaderOnly_Throws1009BeforePayloadArrives()
    {
        using var reader = new MessageReader(new MessageReaderOptions(MaxMessageBytes: 1000));
        var header = Frame(OpCode.Binary, new byte[1001])[..8]; // 2 + 2 length + 4 key, no payload yet

        var error = Assert.Throws<WebSocketProtocolException>(() => ReaderHarness.ReadAll(reader, header, 1));

        Assert.Equal(CloseStatus.MessageTooBig, error.Status);
    }

    [Fact]
    public void TryRead_FragmentsExceedLimitTogether_Throws1009()
    {
        using var reader = new MessageReader(new MessageReaderOptions(MaxMessageBytes: 100));
        var stream = Concat(Frame(OpCode.Binary, new byte[60], fin: false), Frame(OpCode.Continuation, new byte[41]));

        var error = Assert.Throws<WebSocketProtocolException>(() => ReaderHarness.ReadAll(reader, stream, 1));

        Assert.Equal(CloseStatus.MessageTooBig, error.Status);
    }

    [Fact]
    public void TryRead_CompressionBomb_Throws1009()
    {
        var bomb = Compress(new byte[16 << 20]); // 16 MiB of zeros, about 16 KiB compressed
        using var reader = new MessageReader(new MessageReaderOptions(MaxMessageBytes: 64 << 10, Deflate));

        var error = Assert.Throws<WebSocketProtocolException>(
            () => ReaderHarness.ReadAll(reader, Frame(OpCode.Binary, bomb, rsv1: true), 4096));

        Assert.Equal(CloseStatus.MessageTooBig, error.Status);
    }

    [Fact]
    public void TryRead_InvalidUtf8InFirstFragment_FailsBeforeMessageEnds()
    {
        using var reader = new MessageReader(new MessageReaderOptions(1 << 20));
        var firstFragmentOnly = Frame(OpCode.Text, [0x61, 0xFF, 0x62], fin: false);

        var error = Assert.Throws<WebSocketProtocolException>(() => ReaderHarness.ReadAll(reader, firstFragmentOnly, 1));

        Assert.Equal(CloseStatus.InvalidPayloadData, error.Status);
    }

    [Fact]
    public void TryRead_InvalidUtf8AtStartOfLargeFragment_FailsBeforeFragmentEnds()
    {
        using var reader = new MessageReader(new MessageReaderOptions(1 << 20));
        var fragment = Frame(OpCode.Text, [0x61, 0xFF, .. new byte[1000]], fin: false);

        var error = Assert.Throws<WebSocketProtocolException>(() => ReaderHarness.ReadAll(reader, fragment[..20], 1));

        Assert.Equal(CloseStatus.InvalidPayloadData, error.Status);
    }

    // Autobahn 6.4.3/6.4.4: one unfragmented text frame whose payload turns invalid before the frame is complete.
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void TryRead_InvalidUtf8InUnfinishedSingleFrame_FailsBeforeFrameEnds(int chop)
    {
        using var reader = new MessageReader(new MessageReaderOptions(1 << 20));
        var frame = Frame(OpCode.Text, [.. "κόσμε"u8, 0xF4, 0x90, 0x80, 0x80, .. new byte[1000]]);

        var error = Assert.Throws<WebSocketProtocolException>(() => ReaderHarness.ReadAll(reader, frame[..40], chop));

        Assert.Equal(CloseStatus.InvalidPayloadData, error.Status);
    }

    [Fact]
    public void TryRead_UnfinishedSingleFrameEndsMidCodePoint_WaitsForTheRest()
    {
        using var reader = new MessageReader(new MessageReaderOptions(1 << 20));
        var frame = Frame(OpCode.Text, "a😀b"u8);
        var prefix = new ReadOnlySequence<byte>(frame, 0, frame.Length - 3); // ends after the emoji's second byte

        Assert.False(reader.TryRead(ref prefix, out _));

        var whole = new ReadOnlySequence<byte>(frame);
        Assert.True(reader.TryRead(ref whole, out var message));
        Assert.Equal("a😀b"u8.ToArray(), message.Payload.ToArray());
    }

    [Fact]
    public void TryRead_InvalidUtf8CompletingSingleFrame_Throws1007()
    {
        using var reader = new MessageReader(new MessageReaderOptions(1 << 20));
        var frame = Frame(OpCode.Text, [.. "ab"u8, 0xE2, 0x82, 0x28]);
        var prefix = new ReadOnlySequence<byte>(frame, 0, frame.Length - 1);
        Assert.False(reader.TryRead(ref prefix, out _));

        var whole = new ReadOnlySequence<byte>(frame);
        var error = Assert.Throws<WebSocketProtocolException>(() => reader.TryRead(ref whole, out _));

        Assert.Equal(CloseStatus.InvalidPayloadData, error.Status);
    }

    [Fact]
    public void TryRead_CompressionBombInOneFrame_FailsBeforeFrameEnds()
    {
        var bomb = Compress(new byte[16 << 20]);
        using var reader = new MessageReader(new MessageReaderOptions(MaxMessageBytes: 64 << 10, Deflate));
        var frame = Frame(OpCode.Binary, bomb, rsv1: true);

        var error = Assert.Throws<WebSocketProtocolException>(() => ReaderHarness.ReadAll(reader, frame[..(frame.Length / 2)], 512));

        Assert.Equal(CloseStatus.MessageTooBig, error.Status);
    }

    [Fact]
    public void TryRead_CodePointSplitAcrossFragments_IsAccepted()
    {
        using var reader = new MessageReader(new MessageReaderOptions(1 << 20));
        var euro = "€"u8.ToArray(); // E2 82 AC
        var stream = Concat(Frame(OpCode.Text, euro[..1], fin: false), Frame(OpCode.Continuation, euro[1..2], fin: false),
            Frame(OpCode.Continuation, euro[2..]));

        var message = Assert.Single(ReaderHarness.ReadAll(reader, stream, 1));

        Assert.Equal(euro, message.Payload);
    }

    private static byte[] Compress(byte[] payload)
    {
        using var deflater = new Deflater(15);
        byte[]? body = null;
        var length = deflater.Compress(payload, forgetContext: false, ref body);
        return body![..length];
    }
}
