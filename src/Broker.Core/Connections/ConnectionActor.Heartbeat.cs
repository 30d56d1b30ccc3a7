using Akka.Event;
using Broker.Protocol;
using Broker.Protocol.Framing;

namespace Broker.Core.Connections;

internal sealed partial class ConnectionActor
{
    // An empty Ping is the same bytes for every connection: encoded once per process.
    private static readonly SharedFrame PingFrame = new(FrameWriter.Encode(OpCode.Ping, []));

    private long _lastPing;

    // Driven by the supervisor's single node-wide tick rather than a timer per connection (memory per idle connection).
    private void OnHeartbeatTick()
    {
        var now = Environment.TickCount64;
        // While reading is paused the peer's frames wait unread in our buffer: its silence is ours, not the peer's.
        if (_paused is null && now - _lastReceived >= (long)_setup.Settings.IdleTimeout.TotalMilliseconds)
        {
            _setup.Counters.HeartbeatTimeout();
            Log.Debug("Nothing received for {0}, closing with 4001", _setup.Settings.IdleTimeout);
            BecomeClosing(CloseStatus.HeartbeatTimeout, discardQueued: false);
            return;
        }
        if (_setup.Settings.PingInterval is { } interval && now - _lastPing >= (long)interval.TotalMilliseconds)
        {
            _lastPing = now;
            Enqueue(new OutboundFrame(PingFrame.Frame, null));
        }
        _setup.Handler.OnHeartbeat(this);
    }
}
