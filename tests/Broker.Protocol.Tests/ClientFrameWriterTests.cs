using System.Buffers;
using Broker.Protocol.Framing;

namespace Broker.Protocol.Tests;

public sealed class ClientFrameWriterTests
{
    // One length per RFC 6455 §5.2 length encoding: 7-bit, 16-bit at both ends, 64-bit.
    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(65535)]
    [InlineData(65536)]
    public void Write_AnyLengthClass_ServerSideReaderReturnsThePayload(int length)
    {
        var payload = Enumerable.Range(0, length).Select(i => (byte)('a' + i % 26)).ToArray();
        var frame = new byte[ClientFrameWriter.MaxHeaderLength + length];

        var written = ClientFrameWriter.Write(frame, OpCode.Text, payload, maskKey: 0x5A3C_96E1);

        using var reader = new MessageReader(new MessageReaderOptions(1 << 20, RequireMaskedFrames: true));
        var buffer = new ReadOnlySequence<byte>(frame, 0, written);
        Assert.True(reader.TryRead(ref buffer, out var message));
        Assert.Equal(OpCode.Text, message.OpCode);
        Assert.Equal(payload, message.Payload.ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void Write_NonZeroKey_PayloadOnTheWireIsMasked()
    {
        var payload = "hello"u8.ToArray();
        var frame = new byte[ClientFrameWriter.MaxHeaderLength + payload.Length];

        var written = ClientFrameWriter.Write(frame, OpCode.Text, payload, maskKey: 0x0102_0304);

        Assert.Equal(0x80, frame[1] & 0x80);
        Assert.NotEqual(payload, frame.AsSpan(written - payload.Length, payload.Length).ToArray());
    }

    [Fact]
    public void Encode_FragmentWithRsv1_HeaderCarriesFinAndRsvBits()
    {
        var frame = ClientFrameWriter.Encode(OpCode.Text, "x"u8, maskKey: 7, fin: false, rsv: 4);

        Assert.Equal(0x40 | (int)OpCode.Text, frame[0]); // FIN clear, RSV1 set
        Assert.Equal(2 + 4 + 1, frame.Length);
    }
}
