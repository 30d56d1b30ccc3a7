using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Broker.Core.Connections;
using Broker.Protocol.Handshake;
using Broker.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Broker.Server.WebSockets.Listener;

/// <summary>
/// The broker's own accept loop for a plaintext port. Each new connection's first request is peeked at (nothing is
/// consumed): a WebSocket handshake the broker takes (<see cref="WebSocketTakeover"/>) is answered here and the socket
/// goes to a connection actor on a <see cref="SocketTransport"/>, with no Kestrel connection behind it; everything
/// else (other requests, refused or partly arrived handshakes, silence) goes to Kestrel's HTTP untouched, through
/// <see cref="AcceptAsync"/>. It never takes the process's last descriptors (<see cref="DescriptorBudget"/>): at the
/// budget new connections wait in the backlog until one closes.
/// </summary>
internal sealed class PlainListener : IConnectionListener
{
    // A client that sends no complete head within this time is left to HTTP's own timeouts.
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(10);
    // Out of file descriptors (or socket memory) the connection stays in the backlog; accepting again at once would spin.
    private static readonly TimeSpan AcceptRetryDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(50);
    // Waiting for descriptors, the loop wakes on every close it sees; this also catches a limit raised at run time.
    private static readonly TimeSpan RoomRecheck = TimeSpan.FromSeconds(1);
    private const long SpentLogInterval = 10_000; // ms: a node at its budget says so, without a line per close

    private readonly Socket _socket;
    private readonly WebSocketTakeover _takeover;
    private readonly SocketConnectionContextFactory _http;
    private readonly EpollReadiness? _epoll;
    private readonly TimeSpan _drainTimeout;
    private readonly ILogger _logger;
    private readonly Channel<ConnectionContext> _forHttp =
        Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _accepting;
    private readonly DescriptorBudget? _budget = DescriptorBudget.Create();
    private readonly SemaphoreSlim _room = new(0);
    private volatile bool _unbound;
    private int _sessions;
    // Sockets accepted and not yet closed or handed to Kestrel, and whether the accept loop waits for one to go.
    private int _held;
    private int _waitingForRoom;
    private long _spentLoggedAt = long.MinValue / 2;

    public PlainListener(Socket socket, EndPoint endPoint, WebSocketTakeover takeover, SocketConnectionContextFactory http,
        EpollReadiness? epoll, TimeSpan drainTimeout, ILogger logger)
    {
        _epoll = epoll;
        _socket = socket;
        EndPoint = endPoint;
        _takeover = takeover;
        _http = http;
        _drainTimeout = drainTimeout;
        _logger = logger;
        _accepting = Task.Run(AcceptLoopAsync);
    }

    public EndPoint EndPoint { get; }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _forHttp.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return null; // unbound
        }
    }

    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _unbound = true;
        _socket.Dispose();
        _forHttp.Writer.TryComplete();
        await _accepting;
    }

    /// <summary>
    /// Kestrel waits for its own connections before disposing its listeners; ours are the upgraded ones, closing with
    /// 1001 since the host began stopping: wait for them as Kestrel waited for upgraded connections, up to the drain timeout.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await UnbindAsync();
        while (_forHttp.Reader.TryRead(out var unserved))
            await unserved.DisposeAsync();
        var deadline = DateTime.UtcNow + _drainTimeout;
        while (Volatile.Read(ref _sessions) > 0 && DateTime.UtcNow < deadline)
            await Task.Delay(DrainPoll);
        _http.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_unbound)
        {
            await WaitForRoomAsync();
            Socket accepted;
            try
            {
                accepted = await _socket.AcceptAsync();
            }
            catch (Exception) when (_unbound)
            {
                return;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionAborted or SocketError.ConnectionReset)
            {
                continue; // the peer gave up while in the backlog
            }
            catch (SocketException e)
            {
                // EMFILE (the per-process file limit), ENFILE, ENOBUFS: wait for connections to close, then go on.
                Log.AcceptFailed(_logger, e.SocketErrorCode.ToString(), e.Message, AcceptRetryDelay);
                await Task.Delay(AcceptRetryDelay);
                continue;
            }
            Interlocked.Increment(ref _held);
            _ = ServeAsync(accepted);
        }
    }

    // At the descriptor budget, the next connection waits in the backlog until one of ours closes.
    private async Task WaitForRoomAsync()
    {
        if (_budget is null)
            return;
        while (!_unbound)
        {
            Volatile.Write(ref _waitingForRoom, 1);
            var held = Volatile.Read(ref _held);
            if (!_budget.IsSpent(held, out var limit))
            {
                Volatile.Write(ref _waitingForRoom, 0);
                return;
            }
            if (Environment.TickCount64 - _spentLoggedAt >= SpentLogInterval)
            {
                _spentLoggedAt = Environment.TickCount64;
                Log.DescriptorsSpent(_logger, held, limit, DescriptorBudget.Reserve(limit));
            }
            await _room.WaitAsync(RoomRecheck);
        }
    }

    // A socket this listener accepted was closed or handed to Kestrel: once per accepted socket.
    private void LetGo()
    {
        Interlocked.Decrement(ref _held);
        if (Interlocked.Exchange(ref _waitingForRoom, 0) == 1)
            _room.Release();
    }

    private async Task ServeAsync(Socket socket)
    {
        IPAddress? address = null;
        var first = _epoll is { } epoll ? new FirstBytes(socket, epoll) : null;
        (HandshakeResult Accepted, IMessageHandler Handler)? taken;
        try
        {
            socket.NoDelay = true;
            address = (socket.RemoteEndPoint as IPEndPoint)?.Address;
            taken = await TryTakeOverAsync(socket, first, address);
        }
        catch (Exception e)
        {
            // Gone before its first request was answered (a socket error), or the handshake itself failed: that closes
            // this connection only, and never leaves it open and unanswered.
            if (e is not (SocketException or ObjectDisposedException))
                Log.HandshakeFailed(_logger, e, address?.ToString());
            first?.Leave();
            socket.Dispose();
            LetGo();
            return;
        }
        if (taken is not var (accepted, handler))
        {
            first?.Leave();
            HandToHttp(socket);
            _budget?.HandedOff(); // Kestrel's now: still open, but no longer among the sockets this listener holds
            LetGo();
            return;
        }
        var transport = first is null ? new SocketTransport(socket) : new SocketTransport(socket, first.Epoll, first.Slot);
        // Counted from here (shutdown waits for it); Ended is its one way out, whichever step fails.
        Interlocked.Increment(ref _sessions);
        void Ended()
        {
            _takeover.Sessions.Release(address);
            transport.Dispose();
            LetGo();
            Interlocked.Decrement(ref _sessions);
        }
        try
        {
            // Through the transport's writer: the same non-blocking send as every later flush, so the socket's
            // asynchronous send state (~0.4 KB) is made only for a send that has to wait.
            await transport.Output.WriteAsync(WebSocketTakeover.SwitchingProtocols(accepted));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Ended();
            return;
        }
        try
        {
            // Returns at once: nothing waits per connection; Ended runs when the actor let go of the transport.
            _takeover.Sessions.Start(transport, transport.Abort, handler, accepted, Ended);
        }
        catch
        {
            Ended();
            throw;
        }
    }

    // The accepted handshake with its head consumed (admitted: the caller sends the 101, and the session or the caller
    // releases the admission), or null with nothing consumed.
    private async ValueTask<(HandshakeResult, IMessageHandler)?> TryTakeOverAsync(Socket socket, FirstBytes? first,
        IPAddress? address)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(UpgradeRequestHead.MaxLength + 4);
        try
        {
            var peeked = await PeekAsync(socket, first, buffer);
            // A head that has not fully arrived in the first segment is rare (browsers and libraries send it at once):
            // HTTP reads it, and the connection middleware still takes the handshake below HTTP/1.1.
            if (peeked <= 0)
                return null;
            var bytes = new ReadOnlySequence<byte>(buffer, 0, peeked);
            if (UpgradeRequestHead.TryParse(bytes, out var head, out var end) != UpgradeRequestHead.Outcome.Parsed
                || await _takeover.TryAcceptAsync(head, address) is not { } taken)
                return null;
            try
            {
                // The head was peeked, so it is in the socket's buffer: these receives return at once.
                var headLength = end.GetInteger();
                for (var consumed = 0; consumed < headLength;)
                {
                    var rest = buffer.AsSpan(consumed, headLength - consumed);
                    var received = first is null ? socket.Receive(rest, SocketFlags.None, out var error)
                        : NativeSocket.Receive(socket, rest, out error);
                    if (error != SocketError.Success)
                        throw new SocketException((int)error);
                    consumed += received > 0 ? received : throw new SocketException((int)SocketError.ConnectionReset);
                }
            }
            catch
            {
                _takeover.Sessions.Release(address);
                throw;
            }
            return taken;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // The first bytes, left in the socket (MSG_PEEK); 0 when none came within the head timeout (or the peer closed).
    private static async ValueTask<int> PeekAsync(Socket socket, FirstBytes? first, byte[] buffer)
    {
        if (first is not null)
        {
            if (!await first.ArrivedAsync(HeadTimeout))
                return 0;
            var peeked = NativeSocket.Peek(socket, buffer, out var error);
            return error switch
            {
                SocketError.Success => peeked,
                SocketError.WouldBlock => 0,
                _ => throw new SocketException((int)error),
            };
        }
        using var timeout = new CancellationTokenSource(HeadTimeout);
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.Peek, timeout.Token);
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
    }

    private void HandToHttp(Socket socket)
    {
        if (_unbound)
        {
            socket.Dispose();
            return;
        }
        var context = _http.Create(socket);
        if (!_forHttp.Writer.TryWrite(context))
            _ = context.DisposeAsync().AsTask();
    }

    /// <summary>
    /// Waits through the epoll set for a new connection's first bytes, without .NET's asynchronous receive state (which
    /// a socket keeps for life once made); its slot goes on to the connection's reader.
    /// </summary>
    private sealed class FirstBytes : IReadinessTarget
    {
        private readonly Socket _socket;
        private readonly TaskCompletionSource<bool> _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private bool _armed;

        public FirstBytes(Socket socket, EpollReadiness epoll)
        {
            _socket = socket;
            Epoll = epoll;
            Slot = epoll.Register(this);
        }

        public EpollReadiness Epoll { get; }

        public int Slot { get; }

        /// <summary>True once bytes (or the peer's close) arrived, false after <paramref name="timeout"/>.</summary>
        public async Task<bool> ArrivedAsync(TimeSpan timeout)
        {
            _armed = true;
            Epoll.Arm(_socket, Slot, added: false);
            using var timer = new CancellationTokenSource(timeout);
            await using var _ = timer.Token.Register(() => _arrived.TrySetResult(false));
            return await _arrived.Task;
        }

        public void OnReadable() => _arrived.TrySetResult(true);

        /// <summary>Leaves the epoll set (the socket goes to HTTP or is closed).</summary>
        public void Leave() => Epoll.Unregister(_socket, Slot, _armed);
    }
}
