using System.Buffers;
using System.IO.Pipelines;
using Akka.Actor;
using Akka.Dispatch;
using Broker.Core.Shards;
using Broker.Protocol.Framing;

namespace Broker.Core.Connections;

/// <summary>
/// A connection's outbound side, owned by its shard: frames are copied straight into the socket's pipe and the pipe is
/// flushed once at the end of the shard's round (one send for everything the round produced: fan-out deliveries, acks,
/// pongs). Only while a flush is still pending (the peer reads slower than we write) do frames wait in a queue. What
/// the transport has not yet taken (written since the last completed flush, plus waiting) is bounded by
/// max-queued-bytes/-messages; beyond that the connection is a slow consumer. Everything here runs on the shard's thread: the connection actor (same
/// dispatcher) and fan-out items alike, so no locks or interlocked operations.
/// </summary>
internal sealed class ConnectionOutbox : Subscriber, IFlushable, IRunnable
{
    // Above this a frame is written through the pipe's own Write, which spreads it over several blocks.
    private const int LargeFrameBytes = 16 * 1024;

    private readonly PipeWriter _output;
    private readonly IActorRef _actor;
    private readonly ConnectionSetup _setup;
    // The pipe's writer takes a lock on every Advance; frames go into the memory it lent (rest of its current block)
    // and are advanced once per flush instead.
    private Memory<byte> _lent;
    private int _lentUsed;
    private Queue<OutboundFrame>? _waiting;
    private long _waitingBytes;
    private long _queuedBytes;
    private int _queuedFrames;
    // Node-wide counters are interlocked; the outbox reports to them once per flush, not once per frame.
    private long _reportedQueuedBytes;
    private int _unreportedDeliveries;
    private bool _dirty;
    private ValueTask<FlushResult> _pendingFlush;
    private bool _flushPending;
    private Action? _onFlushCompleted;
    private bool _closed;
    private bool _overflowed;
    private bool _finishing;
    private TaskCompletionSource? _drained;
    private bool _isDrained;
    private DeliveryHoldBack? _holdBack;
    // Set by the actor, read and cleared here after a flush: both on the shard's thread (class comment), so a plain field.
    private bool _notifyUnderHalfFull;

    public ConnectionOutbox(Shard shard, ConnectionSetup setup, IActorRef actor) : base(shard)
    {
        _output = setup.Transport.Output;
        _setup = setup;
        _actor = actor;
    }

    /// <summary>Completes once our Close frame was flushed (or the socket failed) after <see cref="Finish"/>.</summary>
    public Task Drained =>
        _isDrained ? Task.CompletedTask : (_drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    /// <summary>Bytes the transport has not taken yet (read by the node-wide <see cref="OutboundBudget"/> from any thread).</summary>
    public long QueuedBytes => Volatile.Read(ref _queuedBytes);

    /// <summary>
    /// Queued frames and bytes are both under half of their bounds. Doubled rather than halved, so that with
    /// max-queued-messages = 1 an empty outbox counts as under half (0 &lt; 1 / 2 never holds, and a replay would wait forever).
    /// </summary>
    public bool IsUnderHalfFull =>
        _queuedFrames * 2L < _setup.Settings.MaxQueuedMessages && _queuedBytes * 2 < _setup.Settings.MaxQueuedBytes;

    /// <summary>The connection's replay seam (allocated on its first subscribe); live deliveries pass it first.</summary>
    public DeliveryHoldBack HoldBack => _holdBack ??= new DeliveryHoldBack();

    /// <summary>
    /// Tells the actor <see cref="Connection.RoomForReplay"/> once, at the first completed flush that leaves the outbox
    /// under half full, or at once when it already is. Asking again before that is one request.
    /// </summary>
    public void NotifyWhenUnderHalfFull()
    {
        _notifyUnderHalfFull = true;
        NotifyIfUnderHalfFull();
    }

    public override void Deliver(SharedFrame frame)
    {
        // One check on the hot path; the hold-back only ever holds topics whose subscribe is being answered.
        if (_holdBack is { IsEmpty: false } holdBack && holdBack.TryHold(frame))
            return;
        DeliverPastHoldBack(frame);
    }

    public void DeliverPastHoldBack(SharedFrame frame)
    {
        var traffic = _setup.Counters.Traffic;
        if (_closed || _overflowed)
        {
            traffic.Drops.Increment();
            return;
        }
        if (TryEnqueue(new OutboundFrame(SharedBytes(frame), null)))
        {
            _unreportedDeliveries++;
            return;
        }
        traffic.Drops.Increment();
        // Not inside the actor's turn here: the actor closes with 4000 when it gets this.
        _overflowed = true;
        _actor.Tell(Connection.Overflowed.Instance, ActorRefs.NoSender);
    }

    /// <summary>
    /// Queues one frame; false when the bounds would be exceeded (the caller still owns the frame). After the Close frame
    /// nothing more goes out (§5.5.1): the frame is dropped and that counts as queued.
    /// </summary>
    public bool TryEnqueue(OutboundFrame frame)
    {
        if (_closed)
        {
            frame.Release();
            return true;
        }
        var settings = _setup.Settings;
        if (_queuedFrames >= settings.MaxQueuedMessages || _queuedBytes + frame.Bytes.Length > settings.MaxQueuedBytes)
            return false;
        _queuedFrames++;
        SetQueuedBytes(_queuedBytes + frame.Bytes.Length);
        if (_flushPending)
        {
            // A peer reading slower than we write: no flush comes until it catches up, so the gauge learns of this now.
            Wait(frame);
            ReportTraffic();
        }
        else
        {
            Write(frame);
        }
        return true;
    }

    /// <summary>
    /// Queues the Close frame as the last frame (§5.5.1) and closes the outbox; <see cref="Drained"/> completes once it
    /// is flushed. <paramref name="discardQueued"/> drops frames still waiting (a slow consumer would never drain them).
    /// </summary>
    public void Finish(OutboundFrame? close, bool discardQueued)
    {
        if (discardQueued)
            DropWaiting();
        if (_closed)
        {
            close?.Release();
            return;
        }
        if (close is { } frame)
        {
            if (_flushPending)
                Wait(frame);
            else
                Write(frame);
        }
        _closed = true;
        _finishing = true;
        if (!_dirty && !_flushPending)
            SetDrained();
    }

    public void Flush()
    {
        _dirty = false;
        if (_flushPending)
            return; // the pending flush's completion writes and flushes what came since
        ValueTask<FlushResult> flush;
        ReportTraffic();
        try
        {
            Commit();
            flush = _output.FlushAsync();
        }
        catch (Exception e)
        {
            Fail(e.Message);
            return;
        }
        if (flush.IsCompleted)
        {
            Flushed(flush);
            return;
        }
        _flushPending = true;
        _pendingFlush = flush;
        flush.ConfigureAwait(false).GetAwaiter().UnsafeOnCompleted(_onFlushCompleted ??= () => Shard.Post(this));
    }

    // The pending flush completed (posted back to the shard by its continuation).
    void IRunnable.Run()
    {
        _flushPending = false;
        Flushed(_pendingFlush);
        _pendingFlush = default;
    }

    void IThreadPoolWorkItem.Execute() => ((IRunnable)this).Run();

    private void Flushed(ValueTask<FlushResult> flush)
    {
        FlushResult result;
        try
        {
            result = flush.GetAwaiter().GetResult();
        }
        catch (Exception e)
        {
            Fail(e.Message);
            return;
        }
        if (result.IsCompleted || result.IsCanceled)
        {
            Fail("the socket stopped accepting writes");
            return;
        }
        // The transport took everything written before the flush; what waited meanwhile is now all it has not taken.
        _queuedFrames = _waiting?.Count ?? 0;
        SetQueuedBytes(_waitingBytes);
        ReportTraffic();
        NotifyIfUnderHalfFull();
        if (_waiting is { Count: > 0 } waiting)
        {
            while (waiting.TryDequeue(out var frame))
                Write(frame);
            _waitingBytes = 0;
            return; // flushed at the end of this round
        }
        if (_finishing && !_dirty)
            SetDrained();
    }

    // Only a completed flush lowers the counts, so this is the one place besides the request itself to check. A Tell,
    // not a call: the actor resumes its replay in its own turn, not inside the shard's flush.
    private void NotifyIfUnderHalfFull()
    {
        if (!_notifyUnderHalfFull || !IsUnderHalfFull)
            return;
        _notifyUnderHalfFull = false;
        _actor.Tell(Connection.RoomForReplay.Instance, ActorRefs.NoSender);
    }

    private void Write(OutboundFrame frame)
    {
        try
        {
            Append(frame.Bytes.Span);
        }
        finally
        {
            frame.Release();
        }
        if (_dirty)
            return;
        _dirty = true;
        Shard.MarkDirty(this);
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _lent.Length - _lentUsed)
        {
            Commit();
            if (bytes.Length > LargeFrameBytes)
            {
                _output.Write(bytes); // spans as many of the pipe's blocks as it needs
                return;
            }
            _lent = _output.GetMemory(bytes.Length);
        }
        bytes.CopyTo(_lent.Span[_lentUsed..]);
        _lentUsed += bytes.Length;
    }

    private void Commit()
    {
        if (_lentUsed > 0)
            _output.Advance(_lentUsed);
        _lent = default;
        _lentUsed = 0;
    }

    private void Wait(OutboundFrame frame)
    {
        (_waiting ??= new Queue<OutboundFrame>()).Enqueue(frame);
        _waitingBytes += frame.Bytes.Length;
    }

    private void DropWaiting()
    {
        if (_waiting is null)
            return;
        while (_waiting.TryDequeue(out var frame))
            frame.Release();
        _waitingBytes = 0;
    }

    private void Fail(string reason)
    {
        _closed = true;
        DropWaiting();
        SetQueuedBytes(0);
        SetDrained();
        _actor.Tell(new Connection.TransportFailed(reason), ActorRefs.NoSender);
    }

    private void SetQueuedBytes(long bytes) => Volatile.Write(ref _queuedBytes, bytes);

    // Brings the node-wide delivery count and queued-bytes gauge (broker_outbound_queued_bytes) up to date: at every
    // flush, so they are current before the peer can have read what was counted.
    private void ReportTraffic()
    {
        var traffic = _setup.Counters.Traffic;
        if (_unreportedDeliveries != 0)
        {
            traffic.Deliveries.Add(_unreportedDeliveries);
            _unreportedDeliveries = 0;
        }
        if (_queuedBytes != _reportedQueuedBytes)
        {
            traffic.QueuedBytes.Add(_queuedBytes - _reportedQueuedBytes);
            _reportedQueuedBytes = _queuedBytes;
        }
    }

    private void SetDrained()
    {
        ReportTraffic();
        _isDrained = true;
        _drained?.TrySetResult();
    }

    // With server_no_context_takeover every peer decodes the context-free variant the frame builds once per node; with
    // context takeover our compressor's window would not match it, so the peer gets the plain frame (always legal).
    private ReadOnlyMemory<byte> SharedBytes(SharedFrame frame)
    {
        if (_setup.Deflate is not { ServerNoContextTakeover: true } deflate || frame.OpCode is not (OpCode.Text or OpCode.Binary)
            || frame.Payload.Length < _setup.Settings.Deflate.CompressionThresholdBytes)
            return frame.Frame;
        return frame.Deflated(deflate.ServerMaxWindowBits);
    }
}
