using System.Buffers;
using Akka.Actor;
using Akka.Event;
using Broker.Protocol;
using Broker.Protocol.Framing;

namespace Broker.Core.Connections;

internal sealed partial class ConnectionActor
{
    private bool _closeSent;
    private bool _stopping;
    private bool _transportGone;
    private ICancelable? _closeTimer;

    private void Closing(object message)
    {
        switch (message)
        {
            case Connection.CloseTimeout:
                Log.Debug("Peer did not answer our Close within {0}, dropping TCP", _setup.Settings.CloseTimeout);
                _setup.Abort();
                StopSelf();
                break;
            // After our Close nothing else may be written (§5.5.1), and heartbeats no longer matter.
            case Connection.Deliver:
                _setup.Counters.Traffic.Drops.Increment();
                break;
            case Connection.Overflowed or Connection.OverBudget or Connection.Send or Connection.Close or Connection.HeartbeatTick:
                break;
            default:
                ReceiveInEitherState(message);
                break;
        }
    }

    // §7.1.2: start the closing handshake, then wait for the peer's Close (or close-timeout) before dropping TCP.
    private void BecomeClosing(CloseStatus status, bool discardQueued)
    {
        if (_closeSent)
            return;
        SendClose(status, discardQueued);
        // Nothing we send depends on the peer's commands any more; its Close may be behind what a pause left unread.
        ResumeReading();
        // One scheduled message for the rare closing connection, not a timer scheduler (IWithTimers) on every actor.
        _closeTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(_setup.Settings.CloseTimeout, Self,
            Connection.CloseTimeout.Instance, ActorRefs.NoSender);
        Context.Become(Closing);
    }

    // MessageReader already failed malformed Close payloads (§5.5.1, §7.4) with 1002/1007, so this one is valid.
    private void OnPeerClose(in ReadOnlySequence<byte> payload)
    {
        ClosePayload.TryRead(payload, out var status, out _);
        // §7.1.1: the peer's Close completes our handshake, or we echo its code (1000 when it sent none); either way the
        // server closes TCP first.
        FinishWith(status == CloseStatus.NoStatusReceived ? CloseStatus.NormalClosure : status);
    }

    private void FinishWith(CloseStatus status)
    {
        SendClose(status, discardQueued: false);
        StopSelf();
    }

    private void SendClose(CloseStatus status, bool discardQueued)
    {
        if (_closeSent)
            return;
        _closeSent = true;
        _setup.Counters.Closes.Increment((int)status);
        Span<byte> payload = stackalloc byte[ClosePayload.MaxLength];
        FrameWriter.Write(_frames, OpCode.Close, payload[..ClosePayload.Write(payload, status)]);
        _outbox.Finish(_frames.Detach(isClose: true), discardQueued);
        _setup.Handler.OnClosing(this);
    }

    private void OnTransportFailed(Connection.TransportFailed failed)
    {
        Log.Debug("Transport ended: {0}", failed.Reason);
        _transportGone = true;
        StopSelf();
    }

    private void StopSelf()
    {
        _stopping = true;
        Context.Stop(Self);
    }

    protected override void PostStop()
    {
        _closeTimer?.Cancel();
        // A stop we did not plan (a crash under the stopping supervisor, or the system going down) still tells the peer.
        if (!_closeSent && !_transportGone)
            SendClose(CloseStatus.InternalServerError, discardQueued: true);
        _outbox.Finish(null, discardQueued: false);
        _setup.Counters.Outbound.Unregister(_outbox);
        _readPump.Stop();
        _setup.Handler.OnStopped(this);
        _reader?.Dispose();
        _writer?.Dispose();
        _ = ReleaseTransportAsync(_setup, _readPump.Ended, _outbox.Drained);
    }

    // The shard may still be flushing our Close; bound that by close-timeout so a peer that never reads cannot hold the
    // socket, then report completion once neither the read pump nor the outbox touches the pipes.
    private static async Task ReleaseTransportAsync(ConnectionSetup setup, Task readTask, Task writeTask)
    {
        if (!writeTask.IsCompleted && await Task.WhenAny(writeTask, Task.Delay(setup.Settings.CloseTimeout)) != writeTask)
            setup.Abort();
        await Task.WhenAll(readTask, writeTask).ContinueWith(_ => { }, TaskScheduler.Default);
        setup.Complete();
    }
}
