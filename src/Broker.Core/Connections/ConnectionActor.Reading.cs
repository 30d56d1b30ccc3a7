using System.Buffers;
using Akka.Event;
using Broker.Protocol;
using Broker.Protocol.Framing;

namespace Broker.Core.Connections;

internal sealed partial class ConnectionActor
{
    private long _lastReceived;
    // Set by the handler (publishes in flight at their cap): parsing stops at the next message boundary.
    private bool _readPaused;
    // The pump's buffer from the first unparsed message on while reading is paused; the pump waits, unanswered, so
    // the socket is not read further (TCP backpressure) and the buffer stays valid.
    private Connection.BytesReceived? _paused;

    // Parses in place in the pump's buffer, then tells the pump how far it got; the buffer stays valid until then.
    private void OnBytesReceived(Connection.BytesReceived received)
    {
        _lastReceived = Environment.TickCount64;
        var buffer = received.Buffer;
        try
        {
            while (!_stopping && !_readPaused && _reader.TryRead(ref buffer, out var message))
                OnFrame(message);
        }
        catch (WebSocketProtocolException e)
        {
            _setup.Counters.ProtocolError();
            Log.Debug("Protocol error, closing with {0}: {1}", (int)e.Status, e.Message);
            // §7.1.7: fail the connection; the reader state is broken, so we do not wait for the peer's Close.
            FinishWith(e.Status);
            return;
        }
        if (_stopping)
            return;
        if (_readPaused)
        {
            _paused = received with { Buffer = buffer };
            return;
        }
        // Overload control: while fan-out queues are over budget, a connection's next read waits (publishers are the
        // connections that send; their TCP window fills and the peer slows down instead of our memory growing).
        if (_shard.IsSetOverloaded)
        {
            received.Pump.Hold(buffer.Start);
            _shard.Park(received.Pump);
        }
        else
        {
            received.Pump.Consumed(buffer.Start);
        }
        if (received.IsCompleted)
            OnTransportFailed(new Connection.TransportFailed("peer closed TCP without a Close frame"));
    }

    void IConnectionContext.PauseReading() => _readPaused = true;

    void IConnectionContext.ResumeReading() => ResumeReading();

    // Parses on from where the pause stopped (it may pause again), then lets the pump read on.
    private void ResumeReading()
    {
        _readPaused = false;
        if (_paused is not { } paused)
            return;
        _paused = null;
        OnBytesReceived(paused);
    }

    private void OnFrame(ReceivedMessage message)
    {
        switch (message.OpCode)
        {
            case OpCode.Text or OpCode.Binary when !_closeSent:
                _setup.Handler.OnMessage(this, message.OpCode, message.Payload);
                break;
            case OpCode.Ping when !_closeSent:
                SendPong(message.Payload);
                break;
            case OpCode.Close:
                OnPeerClose(message.Payload);
                break;
            // §5.5.3: an unsolicited Pong needs no answer; any frame already refreshed _lastReceived. Data after our
            // Close is dropped (§5.5.1: we may not answer it).
        }
    }

    private void SendPong(in ReadOnlySequence<byte> payload)
    {
        // §5.5.3: a Pong carries the Ping's payload (≤125 bytes, so a stack copy). It queues behind whole data frames:
        // frames are never interleaved mid-frame, and FIFO keeps the queue a single lock-free channel.
        Span<byte> data = stackalloc byte[125];
        var length = (int)payload.Length;
        payload.CopyTo(data);
        FrameWriter.Write(_frames, OpCode.Pong, data[..length]);
        Enqueue(_frames.Detach());
    }
}
