using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Broker.Protocol.Framing;
using Broker.Protocol.Handshake;

namespace Broker.LoadTool.Tests;

/// <summary>
/// The server end of one real loopback WebSocket, driven by hand: accepts the load tool's handshake, writes server frames
/// with the codec's <see cref="FrameWriter"/> and reads the client's frames with a server-side <see cref="MessageReader"/>
/// (masking required), so the tool's frames are checked by the same rules the broker applies.
/// </summary>
internal sealed class RawServerPeer : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly MessageReader _reader = new(new MessageReaderOptions(1 << 20));
    private readonly byte[] _buffer = new byte[1 << 20];
    private int _filled;
    private Socket? _socket;

    public RawServerPeer() => _listener.Start();

    public Uri Url => new($"ws://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/ws");

    /// <summary>Accepts the connection and answers its handshake with a 101: correct, or with <paramref name="acceptKey"/>.</summary>
    public async Task AcceptAsync(string? acceptKey = null)
    {
        _socket = await _listener.AcceptSocketAsync().WaitAsync(Timeout);
        int end;
        while ((end = _buffer.AsSpan(0, _filled).IndexOf("\r\n\r\n"u8)) < 0)
            _filled += await Receive();
        var key = Encoding.ASCII.GetString(_buffer, 0, end).Split("\r\n")
            .Select(l => l.Split(':', 2))
            .Single(p => p[0].Equals("Sec-WebSocket-Key", StringComparison.OrdinalIgnoreCase))[1].Trim();
        _filled -= end + 4;
        Buffer.BlockCopy(_buffer, end + 4, _buffer, 0, _filled);
        var response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + $"Sec-WebSocket-Accept: {acceptKey ?? AcceptKey.Compute(key)}\r\n\r\n";
        await _socket.SendAsync(Encoding.ASCII.GetBytes(response));
    }

    public Task SendTextAsync(string json) => SendAsync(OpCode.Text, Encoding.UTF8.GetBytes(json));

    public async Task SendAsync(OpCode opCode, byte[] payload) =>
        await _socket!.SendAsync(FrameWriter.Encode(opCode, payload));

    /// <summary>Reads the client's next frame or message, unmasked.</summary>
    public async Task<(OpCode OpCode, byte[] Payload)> ReadAsync()
    {
        while (true)
        {
            var buffer = new ReadOnlySequence<byte>(_buffer, 0, _filled);
            if (_reader.TryRead(ref buffer, out var message))
            {
                var result = (message.OpCode, message.Payload.ToArray());
                var rest = (int)buffer.Length;
                Buffer.BlockCopy(_buffer, _filled - rest, _buffer, 0, rest);
                _filled = rest;
                return result;
            }
            _filled += await Receive();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        _listener.Stop();
        _reader.Dispose();
        await Task.CompletedTask;
    }

    private async Task<int> Receive()
    {
        var read = await _socket!.ReceiveAsync(_buffer.AsMemory(_filled)).AsTask().WaitAsync(Timeout);
        return read > 0 ? read : throw new IOException("the load tool closed the connection");
    }
}
