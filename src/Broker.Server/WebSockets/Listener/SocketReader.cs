using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Broker.Server.WebSockets.Listener;

/// <summary>
/// The read side of <see cref="SocketTransport"/>: one buffer, rented only while it holds unparsed bytes. With nothing
/// buffered the reader waits with a zero-byte receive, so an idle connection holds no buffer, and then rents a buffer
/// the size of what arrived: a connection's buffer is held until its actor has parsed it, so while thousands connect
/// and subscribe at once, a fixed 4 KiB each (for commands of a hundred bytes) left tens of megabytes behind. Serves one
/// reader (the connection's read pump): ReadAsync returns unexamined bytes at once, otherwise waits for more.
/// </summary>
internal sealed class SocketReader(Socket socket) : PipeReader
{
    private const int SmallestBufferBytes = 256;
    // One receive takes at most this much (a larger message arrives over several, the buffer growing as it needs).
    private const int LargestReceiveBytes = 64 * 1024;
    // Receives into less room than this first move the unparsed bytes to the front or grow the buffer.
    private const int MinimumReceiveBytes = 1024;

    private byte[]? _buffer;
    private int _start;
    private int _end;
    private bool _examinedAll = true;
    private bool _peerDone;
    private volatile bool _canceled;
    private bool _completed;

    public override bool TryRead(out ReadResult result)
    {
        result = default;
        if (_completed || _canceled || (_examinedAll && !_peerDone))
            return false;
        result = Current();
        return true;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (TryRead(out var ready))
            return ready;
        var arrived = 0;
        if (_start == _end)
        {
            // Nothing unparsed: give the buffer back and wait for data without one.
            ReturnBuffer();
            if (!_canceled)
                await socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
            arrived = _canceled ? 0 : socket.Available;
        }
        if (_canceled)
            return Canceled();
        MakeRoom(arrived);
        var received = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
        if (_canceled)
            return Canceled();
        _end += received;
        _peerDone = received == 0;
        _examinedAll = false;
        return Current();
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        if (_buffer is null)
            return;
        _start = consumed.GetInteger();
        _examinedAll = examined.GetInteger() >= _end;
        if (_start == _end)
            _start = _end = 0;
    }

    /// <summary>
    /// Ends a pending or the next read with IsCanceled. The read side is shut down to wake a pending receive: the pump
    /// cancels only when the connection is done reading for good, while sends (our Close) go on.
    /// </summary>
    public override void CancelPendingRead()
    {
        _canceled = true;
        try
        {
            socket.Shutdown(SocketShutdown.Receive);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // The socket is gone: the pending receive fails instead.
        }
    }

    public override void Complete(Exception? exception = null)
    {
        _completed = true;
        ReturnBuffer();
    }

    private ReadResult Current() =>
        new(new ReadOnlySequence<byte>(_buffer ?? [], _start, _end - _start), isCanceled: false, isCompleted: _peerDone);

    private ReadResult Canceled()
    {
        _canceled = false;
        return new ReadResult(new ReadOnlySequence<byte>(_buffer ?? [], _start, _end - _start), isCanceled: true,
            isCompleted: false);
    }

    private void MakeRoom(int arrived)
    {
        if (_buffer is null)
        {
            _buffer = TransportBuffers.Pool.Rent(Math.Clamp(arrived, SmallestBufferBytes, LargestReceiveBytes));
            return;
        }
        if (_buffer.Length - _end >= MinimumReceiveBytes)
            return;
        var unparsed = _end - _start;
        var target = _buffer.Length - unparsed >= MinimumReceiveBytes ? _buffer
            : TransportBuffers.Pool.Rent(Math.Max(_buffer.Length * 2, unparsed + MinimumReceiveBytes));
        _buffer.AsSpan(_start, unparsed).CopyTo(target);
        if (target != _buffer)
            TransportBuffers.Pool.Return(_buffer);
        _buffer = target;
        _start = 0;
        _end = unparsed;
    }

    // Complete may come from another thread than the last read (the transport's disposal): return the buffer once.
    private void ReturnBuffer()
    {
        _start = _end = 0;
        if (Interlocked.Exchange(ref _buffer, null) is { } buffer)
            TransportBuffers.Pool.Return(buffer);
    }
}
