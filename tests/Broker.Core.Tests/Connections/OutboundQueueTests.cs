using System.Buffers;
using System.IO.Pipelines;
using Broker.Core.Connections;

namespace Broker.Core.Tests.Connections;

public sealed class OutboundQueueTests
{
    private static OutboundFrame Frame(params byte[] bytes) => new(bytes, null);

    private static OutboundFrame CloseFrame() => new(new byte[] { 0x88, 0x00 }, null, isClose: true);

    private static async Task<byte[]> DrainAsync(OutboundQueue queue, CountingWriter writer, Pipe pipe)
    {
        Assert.True(await queue.PumpAsync(writer).WaitAsync(TimeSpan.FromSeconds(10)));
        await pipe.Writer.CompleteAsync();
        var result = await pipe.Reader.ReadAsync();
        while (!result.IsCompleted)
        {
            pipe.Reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
            result = await pipe.Reader.ReadAsync();
        }
        return result.Buffer.ToArray();
    }

    [Fact]
    public void TryEnqueue_FrameBoundReached_ReturnsFalse()
    {
        var queue = new OutboundQueue(maxBytes: 1000, maxFrames: 2);

        Assert.True(queue.TryEnqueue(Frame(1)));
        Assert.True(queue.TryEnqueue(Frame(2)));
        Assert.False(queue.TryEnqueue(Frame(3)));
    }

    [Fact]
    public void TryEnqueue_ByteBoundExceeded_ReturnsFalse()
    {
        var queue = new OutboundQueue(maxBytes: 10, maxFrames: 100);

        Assert.True(queue.TryEnqueue(Frame(new byte[6])));
        Assert.True(queue.TryEnqueue(Frame(new byte[4])));
        Assert.False(queue.TryEnqueue(Frame(new byte[1])));
    }

    [Fact]
    public async Task PumpAsync_ManyQueuedFrames_WritesInOrderWithOneFlush()
    {
        var queue = new OutboundQueue(maxBytes: 10_000, maxFrames: 1000);
        for (byte i = 0; i < 100; i++)
            Assert.True(queue.TryEnqueue(Frame(i, i)));
        queue.Finish(Frame(0xFF), discardQueued: false);
        var pipe = new Pipe();
        var writer = new CountingWriter(pipe.Writer);

        var written = await DrainAsync(queue, writer, pipe);

        Assert.Equal(Enumerable.Range(0, 100).SelectMany(i => new[] { (byte)i, (byte)i }).Append((byte)0xFF), written);
        Assert.Equal(1, writer.Flushes);
    }

    [Fact]
    public async Task Finish_DiscardQueued_WritesOnlyTheClose()
    {
        var queue = new OutboundQueue(maxBytes: 10_000, maxFrames: 1000);
        queue.TryEnqueue(Frame(1, 2, 3));
        queue.TryEnqueue(Frame(4, 5, 6));
        queue.Finish(CloseFrame(), discardQueued: true);
        var pipe = new Pipe();

        var written = await DrainAsync(queue, new CountingWriter(pipe.Writer), pipe);

        Assert.Equal([0x88, 0x00], written);
    }

    [Fact]
    public async Task TryEnqueue_AfterFinish_DroppedSilently()
    {
        var queue = new OutboundQueue(maxBytes: 10_000, maxFrames: 1000);
        queue.Finish(CloseFrame(), discardQueued: false);

        Assert.True(queue.TryEnqueue(Frame(9)));
        var pipe = new Pipe();
        Assert.Equal([0x88, 0x00], await DrainAsync(queue, new CountingWriter(pipe.Writer), pipe));
    }

    [Fact]
    public async Task PumpAsync_FramesDrained_BoundsFreedAgain()
    {
        var queue = new OutboundQueue(maxBytes: 4, maxFrames: 1);
        Assert.True(queue.TryEnqueue(Frame(1, 2, 3, 4)));
        Assert.False(queue.TryEnqueue(Frame(5)));
        var pipe = new Pipe();
        var pump = queue.PumpAsync(pipe.Writer);

        var read = await pipe.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        pipe.Reader.AdvanceTo(read.Buffer.End);

        Assert.True(queue.TryEnqueue(Frame(5)));
        queue.Finish(null, discardQueued: false);
        await pump.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Counts flushes, to prove the pump coalesces a batch into one.</summary>
    private sealed class CountingWriter(PipeWriter inner) : PipeWriter
    {
        public int Flushes { get; private set; }

        public override void Advance(int bytes) => inner.Advance(bytes);

        public override Memory<byte> GetMemory(int sizeHint = 0) => inner.GetMemory(sizeHint);

        public override Span<byte> GetSpan(int sizeHint = 0) => inner.GetSpan(sizeHint);

        public override void CancelPendingFlush() => inner.CancelPendingFlush();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            Flushes++;
            return inner.FlushAsync(cancellationToken);
        }
    }
}
