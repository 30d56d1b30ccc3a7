using System.Text;
using Broker.Protocol.Compression;
using Broker.Protocol.Framing;
using Broker.Protocol.Tests.Support;
using static Broker.Protocol.Tests.Support.ClientFrames;

namespace Broker.Protocol.Tests;

public class MessageReaderDeflateTests
{
    private static readonly DeflateParameters Takeover = new(false, false, 15, 15);
    private static readonly DeflateParameters NoTakeover = new(true, true, 15, 15);

    public static TheoryData<string, byte[], string[]> Rfc7692Examples => new()
    {
        // RFC 7692 §7.2.3.1: "Hello" compressed, unfragmented and in two fragments.
        { "compressed Hello", [0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], ["Hello"] },
        { "compressed Hello fragmented", [0x41, 0x03, 0xf2, 0x48, 0xcd, 0x80, 0x04, 0xc9, 0xc9, 0x07, 0x00], ["Hello"] },
        // §7.2.3.2: the second message refers back into the first (context takeover).
        { "shared LZ77 window", [0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0xc1, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00],
            ["Hello", "Hello"] },
        // §7.2.3.3: a stored (uncompressed) DEFLATE block.
        { "stored block", [0xc1, 0x0b, 0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00], ["Hello"] },
        // §7.2.3.4: BFINAL set, then a second message starts a new stream.
        { "final block", [0xc1, 0x08, 0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00, 0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00],
            ["Hello", "Hello"] },
        // §7.2.3.5: two DEFLATE blocks in one message.
        { "two blocks", [0xc1, 0x0d, 0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00], ["Hello"] },
        // §7.2.3.6: an empty message compresses to one 0x00 byte.
        { "empty message", [0xc1, 0x01, 0x00], [""] },
        // Our own: an uncompressed message between compressed ones leaves the window alone.
        { "uncompressed between", [0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x81, 0x01, 0x78,
            0xc1, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00], ["Hello", "x", "Hello"] },
    };

    [Theory]
    [MemberData(nameof(Rfc7692Examples))]
    public void TryRead_Rfc7692Example_InflatesMessages(string name, byte[] stream, string[] expected)
    {
        foreach (var chop in ReaderHarness.WholeAndOneByte(stream))
        {
            using var reader = new MessageReader(new MessageReaderOptions(1 << 20, Takeover, RequireMaskedFrames: false));
            var messages = ReaderHarness.ReadAll(reader, stream.ToArray(), chop);
            Assert.True(expected.SequenceEqual(messages.Select(m => Encoding.UTF8.GetString(m.Payload))), $"{name}, chop {chop}");
        }
    }

    [Fact]
    public void TryRead_MaskedCompressedFragmentsAroundPing_InflatesMessage()
    {
        var stream = Concat(Frame(OpCode.Text, [0xf2, 0x48, 0xcd], fin: false, rsv1: true), Frame(OpCode.Ping, "p"u8),
            Frame(OpCode.Continuation, [0xc9, 0xc9, 0x07, 0x00]));
        foreach (var chop in ReaderHarness.WholeAndOneByte(stream))
        {
            using var reader = new MessageReader(new MessageReaderOptions(1 << 20, Takeover));
            var messages = ReaderHarness.ReadAll(reader, stream.ToArray(), chop);
            Assert.Equal([OpCode.Ping, OpCode.Text], messages.Select(m => m.OpCode));
            Assert.Equal("Hello", Encoding.UTF8.GetString(messages[1].Payload));
        }
    }

    [Fact]
    public void TryRead_ClientNoContextTakeover_ResetsWindowBetweenMessages()
    {
        // The RFC's second message refers back into the first, so a reset inflater must fail on it.
        var stream = Concat(Frame(OpCode.Text, [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], rsv1: true),
            Frame(OpCode.Text, [0xf2, 0x00, 0x11, 0x00, 0x00], rsv1: true));
        using var reader = new MessageReader(new MessageReaderOptions(1 << 20, NoTakeover));

        var error = Assert.Throws<WebSocketProtocolException>(() => ReaderHarness.ReadAll(reader, stream, 1));

        Assert.Equal(CloseStatus.InvalidPayloadData, error.Status);
    }

    [Fact]
    public void TryRead_InflatedSizeAtLimit_IsAcceptedAndOneMoreByteIsNot()
    {
        var payload = new byte[5000];
        using var deflater = new Deflater(15);
        byte[]? body = null;
        var length = deflater.Compress(payload, forgetContext: true, ref body);
        var frame = Frame(OpCode.Binary, body.AsSpan(0, length), rsv1: true);

        using (var atLimit = new MessageReader(new MessageReaderOptions(5000, Takeover)))
            Assert.Equal(5000, Assert.Single(ReaderHarness.ReadAll(atLimit, frame.ToArray(), 7)).Payload.Length);
        using var belowLimit = new MessageReader(new MessageReaderOptions(4999, Takeover));
        var error = Assert.Throws<WebSocketProtocolException>(() => ReaderHarness.ReadAll(belowLimit, frame.ToArray(), 7));
        Assert.Equal(CloseStatus.MessageTooBig, error.Status);
    }
}
