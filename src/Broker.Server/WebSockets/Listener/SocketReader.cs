using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using Broker.Sockets;

namespace Broker.Server.WebSockets.Listener;

/// <summary>
/// The read side of <see cref="SocketTransport"/>: one buffer, rented only while it holds unparsed bytes. With nothing
/// buffered the reader waits for the socket to become readable, so an idle connection holds no buffer, and then rents a buffer
/// the size of what arrived: a connection's buffer is held until its actor has parsed it, so while thousands connect
/// and subscribe at once, a fixed 4 KiB each (for commands of a hundred bytes) left tens of megabytes behind. Serves one
/// reader (the connection's read pump): ReadAsync returns unexamined bytes at once, otherwise waits for more.
/// </summary>
internal sealed class SocketReader : PipeReader, IValueTaskSource<ReadResult>, IReadinessTarget
{
    private const int SmallestBufferBytes = 256;
    // One receive takes at most this much (a larger message arrives over several, the buffer growing as it needs).
    private const int LargestReceiveBytes = 64 * 1024;
    // Receives into less room than this first move the unparsed bytes to the front or grow the buffer.
    private const int MinimumReceiveBytes = 1024;

    private readonly Socket _socket;
    private readonly EpollReadiness? _epoll;
    private int _slot;
    private int _armed;
    private Action? _onReceiveWaited;
    // The read the pump waits for; completed on the thread that found the bytes (the pump only Tells its actor).
    private ManualResetValueTaskSourceCore<ReadResult> _read;
    private ConfiguredValueTaskAwaitable<int>.ConfiguredValueTaskAwaiter _wait;
    private bool _waited;
    private byte[]? _buffer;
    private int _start;
    private int _end;
    private bool _examinedAll = true;
    private bool _peerDone;
    private volatile bool _canceled;
    private bool _completed;

    /// <summary>
    /// Reads <paramref name="socket"/>; with <paramref name="epoll"/>, waits through its <paramref name="slot"/> (the
    /// listener added the socket to the set to wait for its first request), otherwise with zero-byte receives.
    /// </summary>
    public SocketReader(Socket socket, EpollReadiness? epoll, int slot)
    {
        _socket = socket;
        _epoll = epoll;
        _slot = slot;
        epoll?.Retarget(slot, this);
    }

    public override bool TryRead(out ReadResult result)
    {
        result = default;
        if (_completed || _canceled || (_examinedAll && !_peerDone))
            return false;
        result = Current();
        return true;
    }

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (TryRead(out var ready))
            return new(ready);
        _read.Reset();
        if (_start == _end)
            ReturnBuffer(); // nothing unparsed: wait for data without a buffer
        Receive();
        return new(this, _read.Version);
    }

    // Receives what the socket holds, or waits for it to be readable and is called back: an idle connection holds
    // nothing but its slot in the epoll set (or, without one, a zero-byte receive and its callback).
    private void Receive()
    {
        try
        {
            while (!_canceled)
            {
                if (_start != _end || _waited)
                {
                    _waited = false;
                    if (TryReceive(out var result))
                    {
                        _read.SetResult(result);
                        return;
                    }
                }
                _waited = true;
                if (_epoll is { } epoll)
                {
                    Arm(epoll);
                    return;
                }
#pragma warning disable CA2012 // consumed exactly once: TakeWait takes its result
                _wait = _socket.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None).ConfigureAwait(false).GetAwaiter();
#pragma warning restore CA2012
                if (!_wait.IsCompleted)
                {
                    _wait.UnsafeOnCompleted(_onReceiveWaited ??= OnReceiveWaited);
                    return;
                }
                TakeWait();
            }
            _read.SetResult(Canceled());
        }
        catch (Exception e)
        {
            _read.SetException(e);
        }
    }

    private void Arm(EpollReadiness epoll)
    {
        Volatile.Write(ref _armed, 1);
        try
        {
            epoll.Arm(_socket, _slot, added: true);
        }
        catch when (Interlocked.Exchange(ref _armed, 0) == 0)
        {
            // An abort took the wait over and completes the read itself.
        }
    }

    // The epoll thread (or an abort, or a cancel that could not shut the socket) wakes the wait: whoever takes the
    // armed flag goes on reading.
    void IReadinessTarget.OnReadable() => Wake();

    private void Wake()
    {
        if (Interlocked.Exchange(ref _armed, 0) == 1)
            Receive();
    }

    private void OnReceiveWaited()
    {
        try
        {
            TakeWait();
        }
        catch (Exception e)
        {
            _read.SetException(e);
            return;
        }
        Receive();
    }

    private void TakeWait()
    {
        var wait = _wait;
        _wait = default;
        wait.GetResult();
    }

    // A non-blocking receive into the buffer (rented the size of what arrived); false when the socket had nothing.
    private bool TryReceive(out ReadResult result)
    {
        result = default;
        MakeRoom(_buffer is null ? _socket.Available : 0);
        var received = _epoll is null ? _socket.Receive(_buffer.AsSpan(_end), SocketFlags.None, out var error)
            : NativeSocket.Receive(_socket, _buffer.AsSpan(_end), out error);
        if (error == SocketError.WouldBlock)
        {
            if (_start == _end)
                ReturnBuffer();
            return false;
        }
        if (error != SocketError.Success)
            throw new SocketException((int)error);
        _end += received;
        _peerDone = received == 0;
        _examinedAll = false;
        result = Current();
        return true;
    }

    ReadResult IValueTaskSource<ReadResult>.GetResult(short token) => _read.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<ReadResult>.GetStatus(short token) => _read.GetStatus(token);

    void IValueTaskSource<ReadResult>.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => _read.OnCompleted(continuation, state, token, flags);

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
            _socket.Shutdown(SocketShutdown.Receive);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Wake(); // the socket is gone: no readiness will come (a zero-byte receive fails instead)
        }
    }

    /// <summary>Drops the connection: leaves the epoll set, closes the socket and fails a pending read.</summary>
    public void Abort()
    {
        Unregister();
        _socket.Dispose();
        Wake();
    }

    /// <summary>Leaves the epoll set; before the socket is closed (the slot may go to another socket at once).</summary>
    public void Unregister()
    {
        if (_epoll is { } epoll && Interlocked.Exchange(ref _slot, -1) is var slot and >= 0)
            epoll.Unregister(_socket, slot, added: true);
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
