using System.Buffers;
using Akka.Event;
using Broker.Protocol;
using Broker.Protocol.Framing;

namespace Broker.Core.Connections;

internal sealed partial class ConnectionActor
{
    void IConnectionContext.Send(OpCode opCode, ReadOnlySpan<byte> payload)
    {
        if (_closeSent)
            return;
        _writer.Write(_frames, opCode, payload);
        Enqueue(_frames.Detach());
    }

    void IConnectionContext.Send(OpCode opCode, in ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment)
        {
            ((IConnectionContext)this).Send(opCode, payload.FirstSpan);
            return;
        }
        var length = checked((int)payload.Length);
        var copy = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            payload.CopyTo(copy);
            ((IConnectionContext)this).Send(opCode, copy.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    void IConnectionContext.Deliver(SharedFrame frame)
    {
        var traffic = _setup.Counters.Traffic;
        if (!_closeSent && Enqueue(new OutboundFrame(SharedBytes(frame), null)))
            traffic.Deliveries.Increment();
        else
            traffic.Drops.Increment();
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

    void IConnectionContext.Close(CloseStatus status) => BecomeClosing(status, discardQueued: false);

    private bool Enqueue(OutboundFrame frame)
    {
        if (_queue.TryEnqueue(frame))
            return true;
        frame.Release();
        _setup.Counters.SlowConsumer();
        _log.Warning("Outbound queue full ({0} bytes / {1} frames), closing slow consumer with 4000",
            _setup.Settings.MaxQueuedBytes, _setup.Settings.MaxQueuedMessages);
        BecomeClosing(CloseStatus.SlowConsumer, discardQueued: true);
        return false;
    }
}
