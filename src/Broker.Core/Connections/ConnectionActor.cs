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
internal sealed partial class ConnectionActor : UntypedActor, IConnectionContext
{
    private readonly ConnectionSetup _setup;
    // Made on first use: an adapter holds the actor's path as its log source (about 200 bytes on every idle connection),
    // and most connections never log.
    private ILoggingAdapter? _logAdapter;
    private MessageReader _reader = null!;
    private MessageWriter _writer = null!;
    private readonly Shard _shard;
    private readonly ConnectionOutbox _outbox;
    private readonly PooledFrameWriter _frames = new();
    private readonly ReadPump _readPump;

    public ConnectionActor(ConnectionSetup setup, Shard shard)
    {
        _setup = setup;
        _shard = shard;
        _outbox = new ConnectionOutbox(shard, setup, Self);
        setup.Counters.Outbound.Register(_outbox, Self);
        _readPump = new ReadPump(setup.Transport.Input, Self);
        _lastReceived = _lastPing = Environment.TickCount64;
    }

    private ILoggingAdapter Log => _logAdapter ??= Context.GetLogger();

    IActorRef IConnectionContext.Self => Self;

    IActorContext IConnectionContext.ActorContext => Context;

    string? IConnectionContext.Subprotocol => _setup.Subprotocol;

    Subscriber IConnectionContext.Subscriber => _outbox;

    DeliveryHoldBack IConnectionContext.HoldBack => _outbox.HoldBack;

    void IConnectionContext.DeliverPastHoldBack(SharedFrame frame) => _outbox.DeliverPastHoldBack(frame);

    bool IConnectionContext.HasRoomForReplay => _outbox.IsUnderHalfFull;

    // The outbox runs on this actor's shard thread, so its flag needs no lock.
    void IConnectionContext.NotifyWhenRoomForReplay() => _outbox.NotifyWhenUnderHalfFull();

    // The codec is built here rather than in the constructor: if building it fails, the actor still stops through
    // PostStop, whose 1011 Close the outbox delivers.
    protected override void PreStart()
    {
        var settings = _setup.Settings;
        _reader = new MessageReader(new MessageReaderOptions(settings.MaxMessageBytes, _setup.Deflate,
            MaxMessageDuration: settings.MaxMessageDuration, MaxEmptyFragments: settings.MaxEmptyFragments));
        _writer = new MessageWriter(_setup.Deflate, settings.Deflate.CompressionThresholdBytes);
        _readPump.Start();
        _setup.Handler.OnOpen(this);
    }

    // One receive function per state rather than ReceiveActor's typed handlers: those are eight delegates and a matcher
    // built per actor, about 0.8 KB on every idle connection.
    protected override void OnReceive(object message)
    {
        switch (message)
        {
            case Connection.Deliver deliver:
                _outbox.Deliver(deliver.Frame);
                break;
            case Connection.Overflowed:
                OnOverflow();
                break;
            case Connection.OverBudget:
                OnOverBudget();
                break;
            case Connection.Send send:
                ((IConnectionContext)this).Send(send.OpCode, send.Payload.Span);
                break;
            case Connection.Close close:
                BecomeClosing(close.Status, discardQueued: false);
                break;
            case Connection.HeartbeatTick:
                OnHeartbeatTick();
                break;
            default:
                ReceiveInEitherState(message);
                break;
        }
    }

    // What Open and Closing handle alike: reads (the peer's Close may come after ours), a failed transport, and the
    // handler's messages (while closing, replies still arrive for what the handler started: it settles them).
    private void ReceiveInEitherState(object message)
    {
        switch (message)
        {
            case Connection.BytesReceived received:
                OnBytesReceived(received);
                break;
            case Connection.TransportFailed failed:
                OnTransportFailed(failed);
                break;
            case IHandlerMessage handlerMessage:
                OnHandlerMessage(handlerMessage);
                break;
            default:
                Unhandled(message);
                break;
        }
    }

    private void OnHandlerMessage(IHandlerMessage message)
    {
        if (!_setup.Handler.OnHandlerMessage(this, message))
            Unhandled(message);
    }
}
