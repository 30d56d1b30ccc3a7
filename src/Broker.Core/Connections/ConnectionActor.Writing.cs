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

    void IConnectionContext.Close(CloseStatus status) => BecomeClosing(status, discardQueued: false);

    private bool Enqueue(OutboundFrame frame)
    {
        if (_outbox.TryEnqueue(frame))
            return true;
        frame.Release();
        OnOverflow();
        return false;
    }

    private void OnOverBudget()
    {
        if (_closeSent)
            return;
        _setup.Counters.SlowConsumer();
        Log.Warning("Node outbound budget ({0} bytes) exceeded and this queue is among the largest; closing with 4000",
            _setup.Counters.Outbound.MaxBytes);
        BecomeClosing(CloseStatus.SlowConsumer, discardQueued: true);
    }

    private void OnOverflow()
    {
        if (_closeSent)
            return;
        _setup.Counters.SlowConsumer();
        Log.Warning("Outbound queue full ({0} bytes / {1} frames), closing slow consumer with 4000",
            _setup.Settings.MaxQueuedBytes, _setup.Settings.MaxQueuedMessages);
        BecomeClosing(CloseStatus.SlowConsumer, discardQueued: true);
    }
}
