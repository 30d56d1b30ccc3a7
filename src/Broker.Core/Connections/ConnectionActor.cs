using System.IO.Pipelines;
using Akka.Actor;
using Akka.Event;
using Broker.Protocol.Framing;

namespace Broker.Core.Connections;

/// <summary>
/// One WebSocket connection: owns the codec (reader and writer), the outbound queue, the read and write pumps and
/// the heartbeat state. States: Open (frames flow) → Closing (our Close is out, waiting for the peer's) → stopped.
/// Handlers never await the socket; the pumps Tell what they read and drain what was queued.
/// </summary>
internal sealed partial class ConnectionActor : ReceiveActor, IWithTimers, IConnectionContext
{
    private readonly ConnectionSetup _setup;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private MessageReader _reader = null!;
    private MessageWriter _writer = null!;
    private readonly OutboundQueue _queue;
    private readonly PooledFrameWriter _frames = new();
    private readonly ReadPump _readPump;
    private DeliveryHoldBack? _holdBack;
    private Task _readTask = Task.CompletedTask;
    private Task _writeTask = Task.CompletedTask;

    public ConnectionActor(ConnectionSetup setup)
    {
        _setup = setup;
        _queue = new OutboundQueue(setup.Settings.MaxQueuedBytes, setup.Settings.MaxQueuedMessages);
        _readPump = new ReadPump(setup.Transport.Input, Self);
        _lastReceived = _lastPing = Environment.TickCount64;
        Open();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    IActorRef IConnectionContext.Self => Self;

    IActorContext IConnectionContext.ActorContext => Context;

    string? IConnectionContext.Subprotocol => _setup.Subprotocol;

    DeliveryHoldBack IConnectionContext.HoldBack => _holdBack ??= new DeliveryHoldBack();

    // The write pump starts first and the codec is built here rather than in the constructor: if building it fails,
    // the actor still stops through PostStop, whose 1011 Close the running write pump delivers.
    protected override void PreStart()
    {
        _writeTask = RunWritePumpAsync(_queue, _setup.Transport.Output, Self);
        var settings = _setup.Settings;
        _reader = new MessageReader(new MessageReaderOptions(settings.MaxMessageBytes, _setup.Deflate));
        _writer = new MessageWriter(_setup.Deflate, settings.Deflate.CompressionThresholdBytes);
        _readTask = _readPump.RunAsync();
    }

    // A socket that stops taking bytes ends the connection; a pump that drained our Close just ends.
    private static async Task RunWritePumpAsync(OutboundQueue queue, PipeWriter output, IActorRef self)
    {
        try
        {
            if (await queue.PumpAsync(output))
                return;
            self.Tell(new Connection.TransportFailed("the socket stopped accepting writes"));
        }
        catch (Exception e)
        {
            self.Tell(new Connection.TransportFailed(e.Message));
        }
    }

    private void Open()
    {
        Receive<Connection.BytesReceived>(OnBytesReceived);
        Receive<Connection.Deliver>(OnDeliver);
        Receive<Connection.Send>(s => ((IConnectionContext)this).Send(s.OpCode, s.Payload.Span));
        Receive<Connection.Close>(c => BecomeClosing(c.Status, discardQueued: false));
        Receive<Connection.HeartbeatTick>(_ => OnHeartbeatTick());
        Receive<Connection.TransportFailed>(OnTransportFailed);
        ReceiveAny(OnOther);
    }

    // A topic whose subscribe is still being answered (DeliveryHoldBack) holds its live frames until the ack is out.
    private void OnDeliver(Connection.Deliver deliver)
    {
        if (_holdBack is { IsEmpty: false } holdBack && holdBack.TryHold(deliver.Frame))
            return;
        ((IConnectionContext)this).Deliver(deliver.Frame);
    }

    private void OnOther(object message)
    {
        if (!_setup.Handler.OnActorMessage(this, message))
            Unhandled(message);
    }
}
