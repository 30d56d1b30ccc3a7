using Akka.Actor;
using Akka.Event;
using Broker.Core.Shards;
using Broker.Protocol.Framing;

namespace Broker.Core.Connections;

/// <summary>
/// One WebSocket connection: owns the codec (reader and writer), its outbox, the read pump and the heartbeat state.
/// States: Open (frames flow) → Closing (our Close is out, waiting for the peer's) → stopped. Runs on its shard's
/// dispatcher, the same thread that writes its outbox into the socket. Handlers never await the socket; the read pump
/// Tells what it read, and what the actor queues is flushed at the end of the shard's round.
/// </summary>
internal sealed partial class ConnectionActor : ReceiveActor, IWithTimers, IConnectionContext
{
    private readonly ConnectionSetup _setup;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private MessageReader _reader = null!;
    private MessageWriter _writer = null!;
    private readonly Shard _shard;
    private readonly ConnectionOutbox _outbox;
    private readonly PooledFrameWriter _frames = new();
    private readonly ReadPump _readPump;
    private Task _readTask = Task.CompletedTask;

    public ConnectionActor(ConnectionSetup setup, Shard shard)
    {
        _setup = setup;
        _shard = shard;
        _outbox = new ConnectionOutbox(shard, setup, Self);
        setup.Counters.Outbound.Register(_outbox, Self);
        _readPump = new ReadPump(setup.Transport.Input, Self);
        _lastReceived = _lastPing = Environment.TickCount64;
        Open();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    IActorRef IConnectionContext.Self => Self;

    IActorContext IConnectionContext.ActorContext => Context;

    string? IConnectionContext.Subprotocol => _setup.Subprotocol;

    Subscriber IConnectionContext.Subscriber => _outbox;

    DeliveryHoldBack IConnectionContext.HoldBack => _outbox.HoldBack;

    void IConnectionContext.DeliverPastHoldBack(SharedFrame frame) => _outbox.DeliverPastHoldBack(frame);

    bool IConnectionContext.HasRoomForReplay => _outbox.IsUnderHalfFull;

    // The codec is built here rather than in the constructor: if building it fails, the actor still stops through
    // PostStop, whose 1011 Close the outbox delivers.
    protected override void PreStart()
    {
        var settings = _setup.Settings;
        _reader = new MessageReader(new MessageReaderOptions(settings.MaxMessageBytes, _setup.Deflate,
            MaxMessageDuration: settings.MaxMessageDuration, MaxEmptyFragments: settings.MaxEmptyFragments));
        _writer = new MessageWriter(_setup.Deflate, settings.Deflate.CompressionThresholdBytes);
        _readTask = _readPump.RunAsync();
        _setup.Handler.OnOpen(this);
    }

    private void Open()
    {
        Receive<Connection.BytesReceived>(OnBytesReceived);
        Receive<Connection.Deliver>(d => _outbox.Deliver(d.Frame));
        Receive<Connection.Overflowed>(_ => OnOverflow());
        Receive<Connection.OverBudget>(_ => OnOverBudget());
        Receive<Connection.Send>(s => ((IConnectionContext)this).Send(s.OpCode, s.Payload.Span));
        Receive<Connection.Close>(c => BecomeClosing(c.Status, discardQueued: false));
        Receive<Connection.HeartbeatTick>(_ => OnHeartbeatTick());
        Receive<Connection.TransportFailed>(OnTransportFailed);
        Receive<IHandlerMessage>(OnHandlerMessage);
    }

    private void OnHandlerMessage(IHandlerMessage message)
    {
        if (!_setup.Handler.OnHandlerMessage(this, message))
            Unhandled(message);
    }
}
