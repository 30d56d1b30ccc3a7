using System.Buffers;
using Broker.Protocol.Compression;
using Broker.Protocol.Framing;
using Broker.Protocol.Tests.Support;
using static Broker.Protocol.Tests.Support.ClientFrames;

namespace Broker.Protocol.Tests;

/// <summary>
/// The read and write paths allocate nothing per frame once warm (pooled buffers, per-thread compressors). Exact zero is
/// measured by the codec benchmarks; see <see cref="Allocations"/>.
/// </summary>
public class CodecAllocationTests
{
    private static readonly DeflateParameters NoTakeover = new(true, true, 15, 15);

    [Fact]
    public void TryRead_OrdinaryFramesWhenWarm_AllocatesNothingPerFrame()
    {
        var stream = Concat(Frame(OpCode.Text, new byte[100]), Frame(OpCode.Binary, new byte[300]), Frame(OpCode.Ping, "p"u8),
            Frame(OpCode.Text, "ab"u8, fin: false), Frame(OpCode.Continuation, "cd"u8),
            Frame(OpCode.Text, Compressed(new byte[2000]), rsv1: true));
        using var reader = new MessageReader(new MessageReaderOptions(1 << 20, NoTakeover));
        // Unmasking in place flips the payload, so each round reads a fresh copy; the copies are made up front.
        var copies = Enumerable.Range(0, 101).Select(_ => stream.ToArray()).ToArray();
        ReadAll(reader, copies[0]);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var messages = 0;
        for (var i = 1; i < copies.Length; i++)
            messages += ReadAll(reader, copies[i]);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(500, messages);
        Allocations.AssertNonePerOperation(allocated, messages);
    }

    [Fact]
    public void Write_PlainAndCompressedWhenWarm_AllocatesNothingPerFrame()
    {
        using var plain = new MessageWriter(null, 0);
        using var compressing = new MessageWriter(NoTakeover, 16);
        var output = new ArrayBufferWriter<byte>(1 << 16);
        var payload = new byte[4000];
        compressing.Write(output, OpCode.Text, payload);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            output.ResetWrittenCount();
            plain.Write(output, OpCode.Binary, payload);
            compressing.Write(output, OpCode.Text, payload);
        }
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Allocations.AssertNonePerOperation(allocated, 200);
    }

    private static int ReadAll(MessageReader reader, byte[] stream)
    {
        var buffer = new ReadOnlySequence<byte>(stream);
        var count = 0;
        while (reader.TryRead(ref buffer, out _))
            count++;
        return count;
    }

    private static byte[] Compressed(byte[] payload)
    {
        using var deflater = new Deflater(15);
        byte[]? body = null;
        var length = deflater.Compress(payload, forgetContext: true, ref body);
        return body![..length];
    }
}
