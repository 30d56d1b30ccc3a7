using System.Net;
using System.Buffers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Broker.Protocol;
using Broker.Protocol.Framing;
using Broker.Protocol.Handshake;

namespace Broker.LoadTool;

/// <summary>
/// One client WebSocket over a raw TCP socket: the RFC 6455 §4.1 opening handshake, masked frames out, server frames in
/// through the project's <see cref="MessageReader"/>. A receive loop answers pings and the closing handshake and hands
/// every data message to the subclass; a ClientWebSocket per connection would spend the shared CPU on the client.
/// </summary>
internal abstract class WsConnection
{
    private const int MaxMessageBytes = 16 * 1024 * 1024;

    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    private readonly MessageReader _reader = new(new MessageReaderOptions(MaxMessageBytes, RequireMaskedFrames: false));
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private byte[] _receive;
    private int _filled;
    private uint _maskState = (uint)Random.Shared.Next() | 1;
    private volatile bool _closing;

    protected WsConnection(int receiveBufferBytes) => _receive = new byte[receiveBufferBytes];

    /// <summary>Why the connection ended without the tool asking for it (a Close code, EOF, a socket or protocol error); null while fine.</summary>
    public string? Disconnect { get; private set; }

    /// <summary>The loopback address the connection binds to before connecting; null lets the system choose.</summary>
    public IPAddress? SourceAddress { get; init; }

    /// <summary>Opens TCP and performs the handshake, then starts the receive loop.</summary>
    public async Task OpenAsync(Uri url, CancellationToken cancel)
    {
        if (SourceAddress is { } source)
            _socket.Bind(new IPEndPoint(source, 0));
        await _socket.ConnectAsync(url.Host, url.Port, cancel);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var request = $"GET {url.PathAndQuery} HTTP/1.1\r\nHost: {url.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n";
        await _socket.SendAsync(Encoding.ASCII.GetBytes(request), SocketFlags.None, cancel);

        var headerEnd = -1;
        while (headerEnd < 0)
        {
            if (_filled == _receive.Length)
                throw new IOException("handshake response headers too large");
            var read = await _socket.ReceiveAsync(_receive.AsMemory(_filled), SocketFlags.None, cancel);
            if (read == 0)
                throw new IOException("connection closed during the handshake");
            _filled += read;
            headerEnd = _receive.AsSpan(0, _filled).IndexOf("\r\n\r\n"u8);
        }
        CheckHandshakeResponse(Encoding.ASCII.GetString(_receive, 0, headerEnd), key);
        // Frames the server sent right after the 101 stay in the buffer for the receive loop.
        var frameStart = headerEnd + 4;
        _filled -= frameStart;
        Buffer.BlockCopy(_receive, frameStart, _receive, 0, _filled);
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
        _socket.Dispose();
    }

    /// <summary>Called on the receive loop for every text or binary message; <paramref name="receivedAt"/> is the Stopwatch time of the read.</summary>
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
                var sent = await _socket.SendAsync(frames, SocketFlags.None);
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
                if (_filled > 0 && HandleBuffered())
                    return;
                if (_filled == _receive.Length)
                    Array.Resize(ref _receive, _receive.Length * 2); // one frame larger than the buffer
                var read = await _socket.ReceiveAsync(_receive.AsMemory(_filled), SocketFlags.None);
                if (read == 0)
                {
                    Fail("server closed TCP without a Close frame");
                    return;
                }
                _filled += read;
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException or WebSocketProtocolException)
        {
            Fail(e is WebSocketProtocolException p ? $"protocol error {p.Status}: {p.Message}" : e.Message);
        }
        finally
        {
            _ended.TrySetResult();
        }
    }

    // Handles every whole message in the buffer and keeps the unparsed tail; true once the server's Close arrived.
    private bool HandleBuffered()
    {
        var buffer = new ReadOnlySequence<byte>(_receive, 0, _filled);
        var receivedAt = System.Diagnostics.Stopwatch.GetTimestamp();
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
