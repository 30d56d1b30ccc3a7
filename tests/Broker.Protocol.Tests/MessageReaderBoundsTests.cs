using System.IO.Compression;
using Broker.Protocol.Compression;
using Broker.Protocol.Framing;
using Broker.Protocol.Tests.Support;
using static Broker.Protocol.Tests.Support.ClientFrames;

namespace Broker.Protocol.Tests;

// Messages that never end (issue 10 item 7) and deflate's worst case at the size limit (item 12).
public class MessageReaderBoundsTests
{
    private static readonly DeflateParameters Takeover = new(false, false, 15, 15);

    [Fact]
    public void TryRead_FragmentedMessageOutlivesDuration_ClosesWithPolicyViolation()
    {
        var clock = new ManualClock();
        using var reader = new MessageReader(new MessageReaderOptions(1 << 20, MaxMessageDuration: TimeSpan.FromSeconds(10), Clock: clock));
        Assert.Empty(ReaderHarness.ReadAll(reader, Frame(OpCode.Text, "ab"u8, fin: false), 64));
        clock.Advance(TimeSpan.FromSeconds(11));
        // A ping keeps the connection alive but must not keep the unfinished message alive.
        var error = Assert.Throws<WebSocketProtocolException>(() => ReaderHarness.ReadAll(reader, Frame(OpCode.Ping, "p"u8), 64));
        Assert.Equal(CloseStatus.PolicyViolation, error.Status);
    }

    [Fact]
    public void TryRead_SingleFrameDribblingPastDuration_ClosesWithPolicyViolation()
    {
        var clock = new ManualClock();
        using var reader = new MessageReader(new MessageReaderOptions(1 << 20, MaxMessageDuration: TimeSpan.FromSeconds(10), Clock: clock));
        var frame = Frame(OpCode.Binary, new byte[1000]);
        var first = ReaderHarness.Build([frame[..100]]);
        Assert.False(reader.TryRead(ref first, out _));
        clock.Advance(TimeSpan.FromSeconds(11));
        var rest = ReaderHarness.Build([frame]);
        var error = Assert.Throws<WebSocketProtocolException>(() => reader.TryRead(ref rest, out _));
        Assert.Equal(CloseStatus.PolicyViolation, error.Status);
    }

    [Fact]
    public void TryRead_MessagesWithinDuration_AreRead()
    {
        var clock = new ManualClock();
        using var reader = new MessageReader(new MessageReaderOptions(1 << 20, MaxMessageDuration: TimeSpan.FromSeconds(10), Clock: clock));
        for (var i = 0; i < 3; i++)
        {
            Assert.Empty(ReaderHarness.ReadAll(reader, Frame(OpCode.Text, "ab"u8, fin: false), 64));
            clock.Advance(TimeSpan.FromSeconds(9));
            Assert.Single(ReaderHarness.ReadAll(reader, Frame(OpCode.Continuation, "c"u8), 64));
        }
    }

    [Fact]
    public void TryRead_TooManyEmptyFragments_ClosesWithPolicyViolation()
    {
        using var reader = new MessageReader(new MessageReaderOptions(1 << 20, MaxEmptyFragments: 8));
        var stream = Concat([Frame(OpCode.Text, [], fin: false), .. Enumerable.Repeat(Frame(OpCode.Continuation, [], fin: false), 8)]);
        var error = Assert.Throws<WebSocketProtocolException>(() => ReaderHarness.ReadAll(reader, stream, stream.Length));
        Assert.Equal(CloseStatus.PolicyViolation, error.Status);
    }

    [Fact]
    public void TryRead_EmptyFragmentsWithinCap_AreReadInEveryMessage()
    {
        using var reader = new MessageReader(new MessageReaderOptions(1 << 20, MaxEmptyFragments: 8));
        var message = Concat([Frame(OpCode.Text, [], fin: false), .. Enumerable.Repeat(Frame(OpCode.Continuation, [], fin: false), 7),
            Frame(OpCode.Continuation, "x"u8)]);
        var stream = Concat(message, message, message);
        Assert.Equal(3, ReaderHarness.ReadAll(reader, stream, stream.Length).Count);
    }

    [Fact]
    public void TryRead_DataAfterFinalDeflateBlock_ClosesWithProtocolError()
    {
        // RFC 7692 §7.2.3.4's "Hello" with BFINAL set, then bytes that zlib would silently ignore.
        byte[] payload = [0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x41, 0x42, 0x43];
        foreach (var chop in ReaderHarness.WholeAndOneByte(payload))
        {
            using var reader = new MessageReader(new MessageReaderOptions(1 << 20, Takeover));
            var stream = Frame(OpCode.Text, payload, rsv1: true);
            var error = Assert.Throws<WebSocketProtocolException>(() => ReaderHarness.ReadAll(reader, stream, chop));
            Assert.Equal(CloseStatus.ProtocolError, error.Status);
        }
    }

    [Fact]
    public void TryRead_DataInFragmentAfterFinalDeflateBlock_ClosesWithProtocolError()
    {
        using var reader = new MessageReader(new MessageReaderOptions(1 << 20, Takeover));
        var stream = Concat(Frame(OpCode.Text, [0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00], fin: false, rsv1: true),
            Frame(OpCode.Continuation, [0xf2, 0x48, 0x05, 0x00]));
        var error = Assert.Throws<WebSocketProtocolException>(() => ReaderHarness.ReadAll(reader, stream, stream.Length));
        Assert.Equal(CloseStatus.ProtocolError, error.Status);
    }

    [Theory]
    [InlineData(CompressionLevel.Optimal)]
    [InlineData(CompressionLevel.Fastest)]
    [InlineData(CompressionLevel.NoCompression)]
    public void TryRead_IncompressibleMessageJustUnderLimit_IsAccepted(CompressionLevel level)
    {
        const int limit = 1 << 20;
        var data = new byte[limit - 8];
        new Random(10).NextBytes(data);
        var compressed = DeflateMessage(data, level);
        Assert.True(compressed.Length > data.Length, "random data must expand under deflate");
        using var reader = new MessageReader(new MessageReaderOptions(limit, Takeover));
        var message = Assert.Single(ReaderHarness.ReadAll(reader, Frame(OpCode.Binary, compressed, rsv1: true), 65536));
        Assert.True(data.AsSpan().SequenceEqual(message.Payload));
    }

    // RFC 7692 §7.2.1: compress, sync-flush, drop the trailing 00 00 FF FF.
    private static byte[] DeflateMessage(byte[] data, CompressionLevel level)
    {
        var output = new MemoryStream();
        using (var deflate = new DeflateStream(output, level, leaveOpen: true))
        {
            deflate.Write(data);
            deflate.Flush();
        }
        var bytes = output.ToArray();
        var end = bytes.AsSpan().LastIndexOf((ReadOnlySpan<byte>)[0x00, 0x00, 0xFF, 0xFF]);
        return bytes[..end];
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
