using System.Buffers;
using System.Text;
using Broker.Protocol.Framing;
using Broker.Sockets;

namespace Broker.LoadTool;

/// <summary>
/// A connection subscribed to one topic. Checks every delivery's offset against the last (gaps, duplicates, order: the
/// protocol promises each offset once, in order) and records publish→deliver latency from the stamp in the data.
/// Counters are written by the receive loop only and read by the reporter.
/// </summary>
internal sealed class Subscriber(int topic, TopicBoard board, MeasureWindow? window, int receiveBufferBytes,
    EpollReadiness? epoll) : WsConnection(receiveBufferBytes, epoll)
{
    private readonly TaskCompletionSource _subscribed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _received;
    private long _lastOffset;

    public int Topic { get; } = topic;

    public long Received => Volatile.Read(ref _received);

    /// <summary>Offsets skipped over (a later offset arrived first).</summary>
    public long Gaps { get; private set; }

    public long Duplicates { get; private set; }

    public long OutOfOrder { get; private set; }

    public long Errors { get; private set; }

    public LatencyHistogram? Latency { get; private set; }

    public async Task SubscribeAsync(TimeSpan timeout)
    {
        var json = Encoding.ASCII.GetBytes($"{{\"type\":\"subscribe\",\"id\":0,\"topic\":\"{board.Names[Topic]}\"}}");
        var frame = new byte[ClientFrameWriter.MaxHeaderLength + json.Length];
        var length = ClientFrameWriter.Write(frame, OpCode.Text, json, NextMaskKey());
        await SendAsync(frame.AsMemory(0, length));
        await _subscribed.Task.WaitAsync(timeout);
    }

    protected override void OnMessage(in ReadOnlySequence<byte> payload, long receivedAt)
    {
        var message = ServerMessage.Parse(payload);
        switch (message.Type)
        {
            case ServerMessageType.Message:
                OnDelivery(message.Offset, message.Stamp, receivedAt);
                break;
            case ServerMessageType.Ack:
                _subscribed.TrySetResult();
                break;
            default:
                Errors++;
                _subscribed.TrySetException(new IOException($"subscribe failed: {Encoding.UTF8.GetString(payload)}"));
                break;
        }
    }

    protected override void OnReadHandled() => board.Gate.Signal();

    protected override void OnDisconnected()
    {
        _subscribed.TrySetException(new IOException($"disconnected: {Disconnect}"));
        board.Gate.Signal();
    }

    private void OnDelivery(long offset, long stamp, long receivedAt)
    {
        if (_lastOffset != 0)
        {
            if (offset == _lastOffset)
                Duplicates++;
            else if (offset < _lastOffset)
                OutOfOrder++;
            else if (offset > _lastOffset + 1)
                Gaps += offset - _lastOffset - 1;
        }
        if (offset > _lastOffset)
            _lastOffset = offset;
        if (window is not null && window.Contains(stamp))
            (Latency ??= new LatencyHistogram()).Record(MeasureWindow.ToMicros(receivedAt - stamp));
        // Last: whoever sees the count also sees this delivery's latency (a test read the histogram in between once).
        Volatile.Write(ref _received, _received + 1);
    }
}
