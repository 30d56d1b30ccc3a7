using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Broker.Sockets;

namespace Broker.Server.WebSockets.Listener;

/// <summary>
/// The write side of <see cref="SocketTransport"/>: bytes collect in one buffer, rented on the first write after a
/// send and returned once the send completed, so an idle connection holds none. One writer, one flush at a time, and no
/// writes while a flush is pending: the connection outbox works that way (it queues frames until the flush completed).
/// A flush is one non-blocking send made on the flushing (shard) thread; only what the socket's buffer cannot take waits
/// for it to become writable. <paramref name="native"/>: the send is <see cref="NativeSocket.Send"/> on a socket left
/// blocking, otherwise .NET's on a non-blocking socket.
/// </summary>
internal sealed class SocketWriter(Socket socket, bool native) : PipeWriter
{
    private const int FirstBufferBytes = 4096;

    private byte[]? _buffer;
    private int _written;
    private bool _sending;
    private bool _completed;

    public override void Advance(int bytes) => _written += bytes;

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_written == 0)
            return new ValueTask<FlushResult>(new FlushResult(isCanceled: false, isCompleted: _completed));
        _sending = true;
        // Non-blocking (SocketTransport): this send returns at once, almost always having taken it all.
        var sent = native ? NativeSocket.Send(socket, _buffer.AsSpan(0, _written), out var error)
            : socket.Send(_buffer!, 0, _written, SocketFlags.None, out error);
        if (error is not (SocketError.Success or SocketError.WouldBlock))
        {
            Sent();
            throw new SocketException((int)error);
        }
        if (sent == _written)
        {
            Sent();
            return new ValueTask<FlushResult>(default(FlushResult));
        }
        return SendRestAsync(Math.Max(sent, 0));
    }

    public override void CancelPendingFlush()
    {
        // Not used: a send ends when the peer took the bytes or the socket failed.
    }

    public override void Complete(Exception? exception = null)
    {
        _completed = true;
        if (!_sending)
            ReturnBuffer();
    }

    // The socket's buffer is full (a peer reading slower than we write): the rest goes when it is writable. Only such
    // connections ever get the socket's asynchronous send state (about 0.4 KB each).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<FlushResult> SendRestAsync(int sent)
    {
        try
        {
            while (sent < _written)
                sent += await socket.SendAsync(_buffer.AsMemory(sent, _written - sent), SocketFlags.None);
        }
        finally
        {
            Sent();
        }
        return default;
    }

    private void Sent()
    {
        _sending = false;
        ReturnBuffer();
    }

    private void Reserve(int sizeHint)
    {
        var needed = Math.Max(sizeHint, 1);
        if (_buffer is null)
        {
            _buffer = TransportBuffers.Pool.Rent(Math.Max(needed, FirstBufferBytes));
            return;
        }
        if (_buffer.Length - _written >= needed)
            return;
        var larger = TransportBuffers.Pool.Rent(Math.Max(_buffer.Length * 2, _written + needed));
        _buffer.AsSpan(0, _written).CopyTo(larger);
        TransportBuffers.Pool.Return(_buffer);
        _buffer = larger;
    }

    // A failed send and the transport's disposal may race here: the buffer goes back exactly once.
    private void ReturnBuffer()
    {
        _written = 0;
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
            TransportBuffers.Pool.Return(buffer);
    }
}
