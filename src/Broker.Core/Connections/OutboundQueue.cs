using System.Buffers;
using System.IO.Pipelines;
using System.Threading.Channels;
using Broker.Core.Metrics;

namespace Broker.Core.Connections;

/// <summary>
/// The connection's outbound queue, bounded in bytes and in frames, drained by one write pump that copies every
/// queued frame into the socket's pipe and flushes once per batch (coalescing: one syscall for many frames).
/// The actor is the only producer, the pump the only consumer. Queued bytes also go to the node-wide gauge
/// (<c>broker_outbound_queued_bytes</c>), a striped counter: no shared cache line per frame.
/// </summary>
internal sealed class OutboundQueue(long maxBytes, int maxFrames, StripedCounter? nodeQueuedBytes = null)
{
    private readonly Channel<OutboundFrame> _frames = Channel.CreateUnbounded<OutboundFrame>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = false });
    private long _bytes;
    private int _count;
    private int _discard;

    /// <summary>Queues a frame; false when either bound would be exceeded (the caller still owns the frame).</summary>
    public bool TryEnqueue(OutboundFrame frame)
    {
        if (Volatile.Read(ref _count) >= maxFrames || Volatile.Read(ref _bytes) + frame.Bytes.Length > maxBytes)
            return false;
        Interlocked.Add(ref _bytes, frame.Bytes.Length);
        Interlocked.Increment(ref _count);
        nodeQueuedBytes?.Add(frame.Bytes.Length);
        if (_frames.Writer.TryWrite(frame))
            return true;
        // The queue is finished: our Close is out and §5.5.1 forbids anything after it, so the frame is dropped;
        // that is not an overflow.
        Uncount(frame);
        frame.Release();
        return true;
    }

    /// <summary>
    /// Queues the Close frame as the last frame (§5.5.1: nothing follows a Close) and ends the queue.
    /// <paramref name="discardQueued"/> drops the frames still waiting (a slow consumer would never drain them).
    /// </summary>
    public void Finish(OutboundFrame? close, bool discardQueued)
    {
        if (discardQueued)
            Volatile.Write(ref _discard, 1);
        if (close is { } frame && !_frames.Writer.TryWrite(frame))
            frame.Release();
        _frames.Writer.TryComplete();
    }

    /// <summary>The write pump: returns true once the finished queue is drained, false when the socket stopped taking bytes.</summary>
    public async Task<bool> PumpAsync(PipeWriter output)
    {
        var reader = _frames.Reader;
        try
        {
            while (await reader.WaitToReadAsync())
            {
                while (reader.TryRead(out var frame))
                {
                    Uncount(frame);
                    if (!frame.IsClose && Volatile.Read(ref _discard) == 1)
                    {
                        frame.Release();
                        continue;
                    }
                    output.Write(frame.Bytes.Span);
                    frame.Release();
                }
                var flush = await output.FlushAsync();
                if (flush.IsCompleted || flush.IsCanceled)
                    return false;
            }
            return true;
        }
        finally
        {
            while (reader.TryRead(out var left))
                left.Release();
        }
    }

    private void Uncount(OutboundFrame frame)
    {
        Interlocked.Add(ref _bytes, -frame.Bytes.Length);
        Interlocked.Decrement(ref _count);
        nodeQueuedBytes?.Add(-frame.Bytes.Length);
    }
}
