using System.Diagnostics;
using System.Net;
using System.Buffers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Handshake;
using Broker.Sockets;

namespace Broker.LoadTool;

/// <summary>
/// One client WebSocket over a raw TCP socket: the RFC 6455 §4.1 opening handshake, masked frames out, server frames in
/// through the project's <see cref="MessageReader"/>. Reading answers pings and the closing handshake and hands every
/// data message to the subclass; a ClientWebSocket per connection would spend the shared CPU on the client.
/// With an epoll set (<see cref="EpollReadiness"/>), the set's thread reads: the socket stays blocking and without .NET's
/// asynchronous context (whose own epoll would wake a second thread for every delivery), one <c>recv</c> per wake-up
/// (.NET's receive loop makes two, the second finding nothing). Without one, an asynchronous receive loop reads.
/// </summary>
internal abstract class WsConnection : IReadinessTarget
{
    private const int MaxMessageBytes = 16 * 1024 * 1024;
    private const string PeerGone = "server closed TCP without a Close frame";

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly MessageReader _reader = new(new MessageReaderOptions(MaxMessageBytes, RequireMaskedFrames: false));
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly EpollReadiness? _epoll;
    private int _slot = -1;
    // The handshake the epoll thread is reading the response to (its key and who waits); null once open.
    private (string Key, TaskCompletionSource Opened)? _opening;
    private byte[] _receive;
    private int _filled;
    private uint _maskState = (uint)Random.Shared.Next() | 1;
    private volatile bool _closing;

    /// <param name="receiveBufferBytes">The receive buffer's first size (it grows for a larger frame).</param>
    /// <param name="epoll">Reads on this set's thread; null for an asynchronous receive loop.</param>
    protected WsConnection(int receiveBufferBytes, EpollReadiness? epoll)
    {
        _receive = new byte[receiveBufferBytes];
        _epoll = epoll;
    }

    /// <summary>Why the connection ended without the tool asking for it (a Close code, EOF, a socket or protocol error); null while fine.</summary>
    public string? Disconnect { get; private set; }

    /// <summary>
    /// With the epoll reader: messages carry the kernel's arrival time of the read (SO_TIMESTAMPNS) as their receive
    /// time, not the time the tool got to them; data that came without a usable stamp (right after the kernel turned
    /// stamping on) carries the read time.
    /// </summary>
    public bool StampArrivals { get; init; }

    /// <summary>The loopback address the connection binds to before connecting; null lets the system choose.</summary>
    public IPAddress? SourceAddress { get; init; }

    /// <summary>Opens TCP and performs the handshake, then starts the receive loop.</summary>
    public async Task OpenAsync(Uri url, CancellationToken cancel)
    {
        if (SourceAddress is { } source)
            _socket.Bind(new IPEndPoint(source, 0));
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = Encoding.ASCII.GetBytes(
            $"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
        if (_epoll is { } epoll)
        {
            // Blocking calls keep the socket without an asynchronous context; on loopback, with the connector's bounded
            // parallelism, they return at once. The response is read on the epoll thread like every later frame.
            _socket.Connect(url.Host, url.Port);
            if (StampArrivals)
                NativeSocket.StampArrivals(_socket);
            _socket.Send(request);
            var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _opening = (key, opened);
            _slot = epoll.Register(this);
            epoll.Watch(_socket, _slot);
            await opened.Task.WaitAsync(cancel);
            return;
        }
        await _socket.ConnectAsync(url.Host, url.Port, cancel);
        await _socket.SendAsync(request, SocketFlags.None, cancel);
        do
        {
            var read = await _socket.ReceiveAsync(_receive.AsMemory(_filled), SocketFlags.None, cancel);
            if (read == 0)
                throw new IOException("connection closed during the handshake");
            _filled += read;
        }
        while (!TakeHandshakeResponse(key));
        _ = ReceiveLoopAsync();
    }

    /// <summary>Sends the closing handshake (1000) and waits for the server's Close, at most <paramref name="timeout"/>.</summary>
    public async Task CloseAsync(TimeSpan timeout)
    {
        if (!_closing && Disconnect is null)
        {
            _closing = true;
            var frame = new byte[ClientFrameWriter.MaxHeaderLength + ClosePayload.MaxLength];
            Span<byte> body = stackalloc byte[ClosePayload.MaxLength];
            var length = ClientFrameWriter.Write(frame, OpCode.Close, body[..ClosePayload.Write(body, CloseStatus.NormalClosure)], NextMaskKey());
            try
            {
                await SendAsync(frame.AsMemory(0, length));
                await _ended.Task.WaitAsync(timeout);
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or TimeoutException or IOException)
            {
                // The server went away first or never answered: either way the socket is dropped below.
            }
        }
        _closing = true;
        Unwatch();
        _socket.Dispose();
    }

    /// <summary>
    /// Called on the reading thread for every text or binary message; <paramref name="receivedAt"/> is the Stopwatch
    /// time of the read, or of the data's arrival in the socket with <see cref="StampArrivals"/>.
    /// </summary>
    protected abstract void OnMessage(in ReadOnlySequence<byte> payload, long receivedAt);

    /// <summary>Called on the receive loop after every message of one socket read was handled.</summary>
    protected virtual void OnReadHandled()
    {
    }

    /// <summary>Called once when the connection ended without the tool closing it.</summary>
    protected virtual void OnDisconnected()
    {
    }

    /// <summary>Sends whole frames; sends from the caller and the receive loop's pongs never interleave.</summary>
    protected async ValueTask SendAsync(ReadOnlyMemory<byte> frames)
    {
        await _sendLock.WaitAsync();
        try
        {
            while (!frames.IsEmpty)
            {
                // With the epoll set the socket is blocking: a subscriber sends a command, pongs and a Close, which
                // its empty send buffer takes at once.
                var sent = _epoll is null ? await _socket.SendAsync(frames, SocketFlags.None) : _socket.Send(frames.Span);
                frames = frames[sent..];
            }
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>
    /// RFC 6455 §5.3 wants unpredictable keys; an xorshift per connection is enough to keep the server honest. The send
    /// path and the receive loop's pongs may race on the state: a lost update only repeats or skips a key.
    /// </summary>
    protected int NextMaskKey()
    {
        var x = _maskState;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        _maskState = x;
        return (int)x;
    }

    // True once the buffer holds the whole response head (checked, then dropped: frames the server sent right after
    // the 101 stay for reading); false while more is to come.
    private bool TakeHandshakeResponse(string key)
    {
        var headerEnd = _receive.AsSpan(0, _filled).IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0)
        {
            if (_filled == _receive.Length)
                throw new IOException("handshake response headers too large");
            return false;
        }
        CheckHandshakeResponse(Encoding.ASCII.GetString(_receive, 0, headerEnd), key);
        var frameStart = headerEnd + 4;
        _filled -= frameStart;
        Buffer.BlockCopy(_receive, frameStart, _receive, 0, _filled);
        return true;
    }

    private static void CheckHandshakeResponse(string head, string key)
    {
        var lines = head.Split("\r\n");
        if (!lines[0].StartsWith("HTTP/1.1 101", StringComparison.Ordinal))
            throw new IOException($"handshake refused: {lines[0]}");
        var accept = lines.Skip(1)
            .Select(line => line.Split(':', 2))
            .FirstOrDefault(parts => parts.Length == 2 && parts[0].Trim().Equals("Sec-WebSocket-Accept", StringComparison.OrdinalIgnoreCase))?[1]
            .Trim();
        if (accept != AcceptKey.Compute(key))
            throw new IOException("handshake response has a wrong Sec-WebSocket-Accept");
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                if (_filled > 0 && HandleBuffered(Stopwatch.GetTimestamp()))
                    return;
                GrowIfFull();
                var read = await _socket.ReceiveAsync(_receive.AsMemory(_filled), SocketFlags.None);
                if (read == 0)
                {
                    Fail(PeerGone);
                    return;
                }
                _filled += read;
            }
        }
        catch (Exception e) when (IsReadFailure(e))
        {
            Fail(Describe(e));
        }
        finally
        {
            _ended.TrySetResult();
        }
    }

    // On the epoll thread: one receive, then every whole message it completed.
    void IReadinessTarget.OnReadable()
    {
        if (_slot < 0)
            return; // a wake-up taken from the kernel before the socket left the set
        string? failure = null;
        try
        {
            if (_opening is null)
                GrowIfFull();
            var arrivedNs = 0L;
            var read = StampArrivals ? NativeSocket.ReceiveStamped(_socket, _receive.AsSpan(_filled), out arrivedNs, out var error)
                : NativeSocket.Receive(_socket, _receive.AsSpan(_filled), out error);
            if (error == SocketError.WouldBlock)
                return;
            if (error != SocketError.Success)
                throw new SocketException((int)error);
            if (read == 0)
            {
                failure = _opening is null ? PeerGone : "connection closed during the handshake";
            }
            else
            {
                _filled += read;
                if (_opening is (var key, var opened))
                {
                    if (!TakeHandshakeResponse(key))
                        return;
                    _opening = null;
                    opened.TrySetResult();
                }
                if (!HandleBuffered(ArrivalClock.TryToStopwatch(arrivedNs, out var arrivedAt) ? arrivedAt : Stopwatch.GetTimestamp()))
                    return;
            }
        }
        catch (Exception e)
        {
            // Anything: a connection left in the set after a failure would wake the shared thread for ever.
            failure = Describe(e);
        }
        // Read to the end: the server's Close, EOF or an error.
        Unwatch();
        if (_opening is (_, var pending))
            pending.TrySetException(new IOException(failure));
        else if (failure is not null)
            Fail(failure);
        _ended.TrySetResult();
    }

    // Leaves the epoll set once (the reader at the end of the stream, or CloseAsync), before the socket is closed.
    private void Unwatch()
    {
        if (_epoll is { } epoll && Interlocked.Exchange(ref _slot, -1) is var slot and >= 0)
            epoll.Unregister(_socket, slot, added: true);
    }

    private static bool IsReadFailure(Exception e) =>
        e is SocketException or ObjectDisposedException or IOException or WebSocketProtocolException;

    private static string Describe(Exception e) =>
        e is WebSocketProtocolException p ? $"protocol error {p.Status}: {p.Message}" : e.Message;

    // One frame larger than the buffer: double it.
    private void GrowIfFull()
    {
        if (_filled == _receive.Length)
            Array.Resize(ref _receive, _receive.Length * 2);
    }

    // Handles every whole message in the buffer and keeps the unparsed tail; true once the server's Close arrived.
    private bool HandleBuffered(long receivedAt)
    {
        var buffer = new ReadOnlySequence<byte>(_receive, 0, _filled);
        var closed = false;
        while (!closed && _reader.TryRead(ref buffer, out var message))
        {
            switch (message.OpCode)
            {
                case OpCode.Text or OpCode.Binary:
                    OnMessage(message.Payload, receivedAt);
                    break;
                case OpCode.Ping:
                    Reply(OpCode.Pong, message.Payload);
                    break;
                case OpCode.Close:
                    closed = true;
                    OnServerClose(message.Payload);
                    break;
            }
        }
        var rest = (int)buffer.Length;
        Buffer.BlockCopy(_receive, _filled - rest, _receive, 0, rest);
        _filled = rest;
        OnReadHandled();
        return closed;
    }

    private void OnServerClose(in ReadOnlySequence<byte> payload)
    {
        if (_closing)
            return;
        ClosePayload.TryRead(payload, out var status, out var reason);
        Fail($"server closed with {(int)status} {status} {reason}".TrimEnd());
        // RFC 6455 §5.5.1: answer the Close with a Close echoing the code.
        Reply(OpCode.Close, payload.Length >= 2 ? payload.Slice(0, 2) : default);
    }

    private void Reply(OpCode opCode, in ReadOnlySequence<byte> payload)
    {
        var frame = new byte[ClientFrameWriter.MaxHeaderLength + payload.Length];
        var length = ClientFrameWriter.Write(frame, opCode, payload.ToArray(), NextMaskKey());
        // Fire and forget: a pong must not stall reading; a failed send surfaces as a receive error.
        _ = SendAsync(frame.AsMemory(0, length)).AsTask().ContinueWith(t => _ = t.Exception, TaskScheduler.Default);
    }

    private void Fail(string reason)
    {
        if (_closing || Disconnect is not null)
            return;
        Disconnect = reason;
        OnDisconnected();
    }
}
