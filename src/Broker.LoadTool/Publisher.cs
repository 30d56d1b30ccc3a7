using System.Buffers;
using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using Broker.Protocol.Framing;

namespace Broker.LoadTool;

/// <summary>
/// A connection publishing round-robin over its topics. Each publish carries its id and, in its data, the Stopwatch time
/// it was written (at a fixed rate: the time it was due): <c>{"t":STAMP,"p":"xxx…"}</c>, padded to the requested size. At most <c>window</c> publishes are
/// unacknowledged; in max-rate mode it also waits while a topic's probe subscriber is <c>maxLag</c> messages behind, so
/// the run measures what the broker delivers rather than how deep its queues get before it drops slow consumers.
/// </summary>
internal sealed class Publisher : WsConnection
{
    private const int MaxBatch = 64;
    private static ReadOnlySpan<byte> PublishStart => "{\"type\":\"publish\",\"id\":"u8;
    private static ReadOnlySpan<byte> TopicField => ",\"topic\":\""u8;
    private static ReadOnlySpan<byte> StampField => "\",\"data\":{\"t\":"u8;
    private static ReadOnlySpan<byte> PadField => ",\"p\":\""u8;
    private static ReadOnlySpan<byte> End => "\"}}"u8;

    private readonly int[] _topics;
    private readonly TopicBoard _board;
    private readonly int _dataBytes;
    private readonly double _rate;
    private readonly long _maxLag;
    private readonly SemaphoreSlim _window;
    private readonly ConcurrentDictionary<string, long> _errorCodes;
    private long _sent;
    private long _acked;
    private long _errors;
    private int _nextTopic;

    /// <param name="rate">Publishes per second for this publisher; 0 sends as fast as the window and the lag allow.</param>
    public Publisher(int[] topics, TopicBoard board, int dataBytes, double rate, int window, long maxLag,
        ConcurrentDictionary<string, long> errorCodes)
        : base(receiveBufferBytes: 16 * 1024, epoll: null) // sends much and may wait for room: asynchronous
    {
        _topics = topics;
        _board = board;
        _dataBytes = dataBytes;
        _rate = rate;
        _maxLag = maxLag;
        _window = new SemaphoreSlim(window, window);
        _errorCodes = errorCodes;
    }

    public long Sent => Volatile.Read(ref _sent);

    public long Acked => Volatile.Read(ref _acked);

    public long Errors => Volatile.Read(ref _errors);

    /// <summary>Publishes until <paramref name="stop"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var batch = new byte[MaxBatch * (ClientFrameWriter.MaxHeaderLength + MaxPublishLength())];
        var scratch = new byte[MaxPublishLength()];
        using var pacer = _rate > 0 ? new Pacer() : null;
        var started = Stopwatch.GetTimestamp();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var wanted = MaxBatch;
                if (_rate > 0)
                {
                    var due = DueBy(Stopwatch.GetTimestamp() - started) - _sent;
                    if (due <= 0)
                    {
                        await pacer!.WaitUntilAsync(started + DueAt(_sent)).WaitAsync(stop);
                        continue;
                    }
                    wanted = (int)Math.Min(due, MaxBatch);
                }
                else
                {
                    var topic = _topics[_nextTopic];
                    await _board.Gate.WaitUntilAsync(() => _board.CanSend(topic, _maxLag), stop);
                }

                await _window.WaitAsync(stop);
                var length = 0;
                var count = 0;
                do
                {
                    length += WritePublish(batch.AsSpan(length), scratch, Stamp(started));
                    count++;
                }
                while (count < wanted && (_rate > 0 || _board.CanSend(_topics[_nextTopic], _maxLag)) && _window.Wait(0, CancellationToken.None));
                await SendAsync(batch.AsMemory(0, length));
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The run is over.
        }
        catch (Exception e) when (e is SocketException or IOException or ObjectDisposedException)
        {
            // The broker closed this connection (e.g. for exceeding its publish rate): its reader reports why; a
            // publisher that can no longer send stops instead of failing the run with a broken pipe.
        }
    }

    /// <summary>Waits until every publish sent was answered, at most <paramref name="timeout"/>; false on timeout.</summary>
    public async Task<bool> WaitForAcksAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Acked + Errors < Sent)
        {
            if (Stopwatch.GetTimestamp() > deadline || Disconnect is not null)
                return false;
            await Task.Delay(20);
        }
        return true;
    }

    protected override void OnMessage(in ReadOnlySequence<byte> payload, long receivedAt)
    {
        var message = ServerMessage.Parse(payload);
        if (message.Type is not (ServerMessageType.Ack or ServerMessageType.Error) || message.Id < 0)
            return;
        if (message.Type == ServerMessageType.Ack)
        {
            // Publishes go round-robin over the topics from id 0, so the id names the topic. (Acks may come in any
            // order: a ring of recent ids, as this was, credited an ack to a newer publish's topic when they did.)
            _board.OnAcked(_topics[(int)(message.Id % _topics.Length)]);
            Interlocked.Increment(ref _acked);
        }
        else
        {
            Interlocked.Increment(ref _errors);
            _errorCodes.AddOrUpdate(message.ErrorCode ?? "unknown", 1, (_, n) => n + 1);
        }
        _window.Release();
    }

    private int MaxPublishLength() =>
        PublishStart.Length + 20 + TopicField.Length + _board.NameBytes.Max(n => n.Length) + StampField.Length + 20
        + PadField.Length + _dataBytes + End.Length;

    // At a fixed rate a publish is stamped with the time it was due, not when it went out: a broker that held the
    // publisher back (full window) is charged that wait too, so stalls are not hidden (no coordinated omission).
    private long Stamp(long started) => _rate > 0 ? started + DueAt(_sent) : Stopwatch.GetTimestamp();

    // Publish k (from 0) is due k / rate seconds after the start: DueAt(k) in Stopwatch ticks, and DueBy(t) is how many
    // are due t ticks after the start (its inverse, so a wait until DueAt(k) finds publish k due).
    private long DueAt(long k) => (long)Math.Ceiling(k * Stopwatch.Frequency / _rate);

    private long DueBy(long elapsedTicks) => (long)(elapsedTicks * _rate / Stopwatch.Frequency) + 1;

    // Writes the next publish as one masked frame; the JSON goes to scratch first because the header needs its length.
    private int WritePublish(Span<byte> destination, Span<byte> scratch, long stamp)
    {
        var topic = _topics[_nextTopic];
        _nextTopic = (_nextTopic + 1) % _topics.Length;
        var id = _sent;

        var at = Append(scratch, 0, PublishStart);
        Utf8Formatter.TryFormat(id, scratch[at..], out var written);
        at += written;
        at = Append(scratch, at, TopicField);
        at = Append(scratch, at, _board.NameBytes[topic]);
        at = Append(scratch, at, StampField);
        var dataStart = at - 5; // the data value starts at the "{" of {"t":
        Utf8Formatter.TryFormat(stamp, scratch[at..], out written);
        at += written;
        at = Append(scratch, at, PadField);
        var pad = Math.Max(0, _dataBytes - (at - dataStart) - 2);
        scratch.Slice(at, pad).Fill((byte)'x');
        at += pad;
        at = Append(scratch, at, End);

        _board.OnSent(topic);
        Volatile.Write(ref _sent, id + 1);
        return ClientFrameWriter.Write(destination, OpCode.Text, scratch[..at], NextMaskKey());
    }

    private static int Append(Span<byte> destination, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        return at + bytes.Length;
    }
}
