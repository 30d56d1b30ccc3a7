using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Broker.Protocol.Framing;

namespace Broker.Server.Tests.Support;

/// <summary>A hand-made WebSocket client over a raw TCP socket, to send what no well-behaved client library would.</summary>
public sealed class RawClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _start;
    private int _end;
    private bool _deflate;

    private RawClient(TcpClient tcp)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
    }

    public record Frame(bool Fin, int OpCode, byte[] Payload, int Rsv = 0)
    {
        public int CloseCode => Payload.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(Payload) : 1005;
    }

    public static async Task<RawClient> ConnectAsync(Uri http, int receiveBuffer = 0, IPAddress? localAddress = null)
    {
        // No Nagle: tests that send a frame in small chops want each chop on the wire at once. A local address (e.g.
        // 127.0.0.2) makes the connection come from another loopback peer.
        var tcp = localAddress is null ? new TcpClient() : new TcpClient(new IPEndPoint(localAddress, 0));
        tcp.NoDelay = true;
        if (receiveBuffer > 0)
            tcp.ReceiveBufferSize = receiveBuffer;
        using var timeout = new CancellationTokenSource(Timeout);
        await tcp.ConnectAsync(http.Host, http.Port, timeout.Token);
        return new RawClient(tcp);
    }

    /// <summary>Connects and completes a valid handshake; returns once the 101 has been read.</summary>
    public static async Task<RawClient> OpenAsync(Uri http, string path = "/echo", int receiveBuffer = 0,
        IPAddress? localAddress = null)
    {
        var client = await ConnectAsync(http, receiveBuffer, localAddress);
        var response = await client.RequestAsync(
            $"GET {path} HTTP/1.1\r\nHost: {http.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 101", response);
        return client;
    }

    /// <summary>Writes a raw HTTP request and returns the response head (status line and headers).</summary>
    public async Task<string> RequestAsync(string request)
    {
        await WriteAsync(Encoding.ASCII.GetBytes(request));
        return await ReadResponseHeadAsync();
    }

    /// <summary>Reads an HTTP response head (status line and headers, up to the blank line).</summary>
    public async Task<string> ReadResponseHeadAsync()
    {
        var head = new StringBuilder();
        while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            head.Append((char)await ReadByteAsync());
        // Only a negotiated permessage-deflate lets the server set RSV1 (RFC 7692 §6); ReadFrameAsync checks the rest.
        _deflate |= head.ToString().Contains("permessage-deflate", StringComparison.OrdinalIgnoreCase);
        return head.ToString();
    }

    public async Task WriteAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await _stream.WriteAsync(bytes, timeout.Token);
    }

    /// <summary>Writes <paramref name="bytes"/> in writes of at most <paramref name="chop"/> bytes each.</summary>
    public async Task WriteChoppedAsync(byte[] bytes, int chop)
    {
        for (var offset = 0; offset < bytes.Length; offset += chop)
            await WriteAsync(bytes[offset..Math.Min(bytes.Length, offset + chop)]);
    }

    /// <summary>Sends one frame; masked (as a client must) unless told otherwise.</summary>
    public Task SendFrameAsync(int opCode, byte[] payload, bool fin = true, bool masked = true, int rsv = 0) =>
        WriteAsync(EncodeFrame(opCode, payload, fin, masked, rsv));

    public static byte[] EncodeFrame(int opCode, byte[] payload, bool fin = true, bool masked = true, int rsv = 0)
    {
        var frame = ClientFrameWriter.Encode((OpCode)opCode, payload,
            masked ? RandomNumberGenerator.GetInt32(int.MaxValue) : 0, fin, rsv);
        if (masked)
            return frame;
        // For tests of the rule that clients mask: the zero-key frame without its mask bit and key.
        var keyAt = frame.Length - payload.Length - 4;
        frame[1] &= 0x7F;
        return [.. frame[..keyAt], .. frame[(keyAt + 4)..]];
    }

    public static byte[] ClosePayload(int code, string reason = "")
    {
        var payload = new byte[2 + Encoding.UTF8.GetByteCount(reason)];
        BinaryPrimitives.WriteUInt16BigEndian(payload, (ushort)code);
        Encoding.UTF8.GetBytes(reason, payload.AsSpan(2));
        return payload;
    }

    /// <summary>Reads the next server frame; null when the server closed TCP.</summary>
    public async Task<Frame?> ReadFrameAsync()
    {
        try
        {
            var b0 = await ReadByteAsync();
            var b1 = await ReadByteAsync();
            Assert.Equal(0, b1 & 0x80); // §5.1: a server never masks
            // §5.2: no RSV bit without an extension that defines it; permessage-deflate defines RSV1 on data frames.
            var allowedRsv = _deflate && (b0 & 0x0F) is 0x1 or 0x2 ? 0x40 : 0;
            Assert.True((b0 & 0x70 & ~allowedRsv) == 0, $"server frame (opcode {b0 & 0x0F}) has RSV bits 0x{b0 & 0x70:X2}");
            long length = b1 & 0x7F;
            if (length == 126)
                length = (await ReadByteAsync() << 8) | await ReadByteAsync();
            else if (length == 127)
            {
                length = 0;
                for (var i = 0; i < 8; i++)
                    length = (length << 8) | await ReadByteAsync();
            }
            var payload = new byte[length];
            for (var filled = 0; filled < length;)
            {
                if (_start == _end)
                    await FillAsync();
                var count = (int)Math.Min(_end - _start, length - filled);
                _buffer.AsSpan(_start, count).CopyTo(payload.AsSpan(filled));
                _start += count;
                filled += count;
            }
            return new Frame((b0 & 0x80) != 0, b0 & 0x0F, payload, (b0 >> 4) & 0x7);
        }
        catch (EndOfStreamException)
        {
            return null;
        }
    }

    /// <summary>Reads frames until a Close (skipping pings) and returns its code; then expects the server to close TCP.</summary>
    public async Task<int> ReadCloseCodeAsync()
    {
        while (true)
        {
            var frame = await ReadFrameAsync() ?? throw new Xunit.Sdk.XunitException("TCP closed without a Close frame");
            if (frame.OpCode == 0x8)
                return frame.CloseCode;
        }
    }

    /// <summary>True once the server has closed the TCP connection (EOF or reset), reading and discarding until then.</summary>
    public async Task<bool> ServerClosedTcpAsync()
    {
        try
        {
            while (true)
                await ReadByteAsync();
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            return true;
        }
    }

    /// <summary>
    /// After the server's Close: the next thing on the socket is its TCP close (EOF, or a reset once it aborted), never
    /// another byte (RFC 6455 §5.5.1: no data after a Close). Fails naming the frame that did arrive.
    /// </summary>
    public async Task ExpectTcpClosedWithNothingMoreAsync()
    {
        try
        {
            if (await ReadFrameAsync() is { } frame)
                Assert.Fail($"the server sent opcode {frame.OpCode} ({frame.Payload.Length} bytes) after its Close");
        }
        catch (IOException)
        {
            // Reset: closed, nothing more arrived before it.
        }
    }

    private async Task<byte> ReadByteAsync()
    {
        if (_start == _end)
            await FillAsync();
        return _buffer[_start++];
    }

    private async Task FillAsync()
    {
        using var timeout = new CancellationTokenSource(Timeout);
        _start = 0;
        _end = await _stream.ReadAsync(_buffer, timeout.Token);
        if (_end == 0)
            throw new EndOfStreamException();
    }

    /// <summary>Drops the connection with a TCP reset (no Close frame, no FIN), as a crashed client would.</summary>
    public void Reset()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        _tcp.Dispose();
        return ValueTask.CompletedTask;
    }
}
