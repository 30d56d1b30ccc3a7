using System.IO.Compression;
using System.Text;
using Broker.Core.Connections;
using Broker.Protocol.Framing;

namespace Broker.Core.Tests.Connections;

public sealed class SharedFrameTests
{
    private static readonly byte[] Message =
        Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("""{"type":"message","topic":"t","offset":1}""", 20)));

    [Theory]
    [InlineData(9)]
    [InlineData(12)]
    [InlineData(15)]
    public void Deflated_TextFrame_Rsv1FrameInflatingToPayload(int windowBits)
    {
        var shared = new SharedFrame(FrameWriter.Encode(OpCode.Text, Message));

        var frame = shared.Deflated(windowBits).ToArray();

        Assert.Equal(0x80 | 0x40 | (int)OpCode.Text, frame[0]); // FIN, RSV1 (RFC 7692 §6), text
        Assert.Equal(Message, Inflate(new SharedFrame(frame).Payload.ToArray()));
    }

    [Fact]
    public void Deflated_RequestedAgainAndFromManyThreads_OneSharedArrayPerWindow()
    {
        var shared = new SharedFrame(FrameWriter.Encode(OpCode.Text, Message));

        var results = new ReadOnlyMemory<byte>[64];
        Parallel.For(0, results.Length, i => results[i] = shared.Deflated(10 + i % 2));

        Assert.All(results.Where((_, i) => i % 2 == 0), r => Assert.True(r.Equals(results[0])));
        Assert.All(results.Where((_, i) => i % 2 == 1), r => Assert.True(r.Equals(results[1])));
        Assert.False(results[0].Equals(results[1]));
    }

    [Fact]
    public void Deflated_IncompressiblePayload_PlainFrame()
    {
        var noise = new byte[100];
        new Random(7).NextBytes(noise);
        var shared = new SharedFrame(FrameWriter.Encode(OpCode.Binary, noise));

        Assert.Equal(shared.Frame.ToArray(), shared.Deflated(15).ToArray());
    }

    [Theory]
    [InlineData(10)]
    [InlineData(300)]
    [InlineData(70_000)]
    public void Payload_EveryLengthEncoding_FrameWithoutHeader(int length)
    {
        var payload = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();

        Assert.Equal(payload, new SharedFrame(FrameWriter.Encode(OpCode.Binary, payload)).Payload.ToArray());
    }

    // RFC 7692 §7.2.2: append 00 00 FF FF to the message, then inflate as raw deflate.
    private static byte[] Inflate(byte[] compressed)
    {
        using var input = new MemoryStream([.. compressed, 0x00, 0x00, 0xFF, 0xFF]);
        using var inflater = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        inflater.CopyTo(output);
        return output.ToArray();
    }
}
