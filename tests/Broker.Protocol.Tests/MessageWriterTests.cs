using System.Buffers;
using System.Text;
using Broker.Protocol.Compression;
using Broker.Protocol.Framing;
using Broker.Protocol.Tests.Support;

namespace Broker.Protocol.Tests;

public class MessageWriterTests
{
    private static readonly DeflateParameters Takeover = new(false, false, 15, 15);
    private static readonly DeflateParameters NoTakeover = new(true, false, 15, 15);

    [Fact]
    public void Write_WithoutDeflate_WritesUnmaskedFrame()
    {
        using var writer = new MessageWriter(null, 0);
        var output = new ArrayBufferWriter<byte>();

        writer.Write(output, OpCode.Text, "Hello"u8);

        Assert.Equal(new byte[] { 0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f }, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Write_HelloTwiceWithContextTakeover_MatchesRfc7692Example()
    {
        using var writer = new MessageWriter(Takeover, 0);
        var output = new ArrayBufferWriter<byte>();

        writer.Write(output, OpCode.Text, "Hello"u8);
        writer.Write(output, OpCode.Text, "Hello"u8);

        // RFC 7692 §7.2.3.1 and §7.2.3.2.
        byte[] expected = [0xc1, 0x07, 0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0xc1, 0x05, 0xf2, 0x00, 0x11, 0x00, 0x00];
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Write_BelowThresholdAndControlFrames_StayUncompressed()
    {
        using var writer = new MessageWriter(Takeover, 64);
        var output = new ArrayBufferWriter<byte>();

        writer.Write(output, OpCode.Text, new byte[63]);
        writer.Write(output, OpCode.Ping, new byte[100]);

        Assert.Equal(0x81, output.WrittenSpan[0]);
        Assert.Equal(0x89, output.WrittenSpan[2 + 63]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Write_ManyMessages_ClientReaderInflatesEveryOne(bool noContextTakeover)
    {
        var parameters = noContextTakeover ? NoTakeover : Takeover;
        using var writer = new MessageWriter(parameters, 16);
        var output = new ArrayBufferWriter<byte>();
        var sent = Enumerable.Range(0, 50).Select(i => $"message {i}: " + new string('x', i * 37 % 500)).ToList();
        foreach (var text in sent)
            writer.Write(output, OpCode.Text, Encoding.UTF8.GetBytes(text));

        // The client resets its inflater per message exactly when the server said it would not take context over.
        using var client = new MessageReader(new MessageReaderOptions(1 << 20,
            parameters with { ClientNoContextTakeover = noContextTakeover }, RequireMaskedFrames: false));
        var received = ReaderHarness.ReadAll(client, output.WrittenSpan.ToArray(), 13);

        Assert.Equal(sent, received.Select(m => Encoding.UTF8.GetString(m.Payload)));
        Assert.True(output.WrittenCount < sent.Sum(s => s.Length), "compression should shrink repetitive text");
    }

    [Fact]
    public void EncodeDeflatedShared_ReadByFreshAndUsedClients_DecodesTheSame()
    {
        var payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("shared frame ", 40)));
        var frame = MessageWriter.EncodeDeflatedShared(OpCode.Text, payload, 10);
        Assert.Equal(0xC1, frame[0]);

        // A client whose inflater already holds another message's window still decodes the context-free frame.
        using var connection = new MessageWriter(NoTakeover, 0);
        var output = new ArrayBufferWriter<byte>();
        connection.Write(output, OpCode.Text, "earlier message, earlier message"u8);
        using var client = new MessageReader(new MessageReaderOptions(1 << 20, NoTakeover, RequireMaskedFrames: false));
        var received = ReaderHarness.ReadAll(client, [.. output.WrittenSpan, .. frame, .. frame], 5);

        Assert.Equal(3, received.Count);
        Assert.Equal(payload, received[1].Payload);
        Assert.Equal(payload, received[2].Payload);
    }

    [Fact]
    public void EncodeDeflatedShared_IncompressiblePayload_SendsPlainFrame()
    {
        var payload = new byte[200];
        new Random(7).NextBytes(payload);

        var frame = MessageWriter.EncodeDeflatedShared(OpCode.Binary, payload, 15);

        Assert.Equal(FrameWriter.Encode(OpCode.Binary, payload), frame);
    }
}
