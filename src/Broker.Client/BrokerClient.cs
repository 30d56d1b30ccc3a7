using System.Collections.Concurrent;
using System.Net.WebSockets;

namespace Broker.Client;

/// <summary>
/// A connection to a Broker node's <c>/ws</c> endpoint (docs/protocol.md): subscribe to topics and patterns, publish
/// with acknowledged offsets, ask who is in a topic (presence). It reconnects by itself after a drop (full-jitter
/// back-off), subscribes every topic again, and queues publishes while disconnected (bounded). Thread-safe; dispose it
/// to close.
/// </summary>
/// <example>
/// <code>
/// await using var client = new BrokerClient(new Uri("ws://localhost:8080/ws"));
/// await client.ConnectAsync(ct);
/// await using var sub = await client.SubscribeAsync("chat.*", msg => { Console.WriteLine(msg.Data); return ValueTask.CompletedTask; }, ct);
/// PublishResult r = await client.PublishAsync("chat.lobby", new { text = "hi" }, ct);
/// </code>
/// </example>
public sealed partial class BrokerClient : IAsyncDisposable
{
    private readonly Uri _uri;
    private readonly BrokerClientOptions _options;
    private readonly Lock _gate = new(); // guards the fields below that are not concurrent collections
    private readonly ConcurrentDictionary<long, PendingRequest> _pending = new();
    private readonly CancellationTokenSource _lifetime = new();
    private BrokerConnectionState _state;
    private ClientWebSocket? _socket;
    private Task? _run;
    private TaskCompletionSource? _opened;
    private bool _disposed;
    private long _nextId;

    /// <summary>A client for <paramref name="uri"/> (ws:// or wss://, path /ws) with the default options.</summary>
    public BrokerClient(Uri uri) : this(uri, new BrokerClientOptions())
    {
    }

    /// <summary>A client for <paramref name="uri"/> with <paramref name="options"/> (read once, here).</summary>
    public BrokerClient(Uri uri, BrokerClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(options);
        if (uri.Scheme is not ("ws" or "wss"))
            throw new ArgumentException("the broker's address must be ws:// or wss://", nameof(uri));
        options.Validate();
        _uri = uri;
        _options = options;
    }

    /// <summary>The connection's state now.</summary>
    public BrokerConnectionState State
    {
        get
        {
            lock (_gate) return _state;
        }
    }

    /// <summary>Raised on every state change (on a pool thread; keep handlers short).</summary>
    public event Action<BrokerConnectionState>? StateChanged;

    /// <summary>
    /// Errors no awaited call can carry: a handler that threw, a resubscribe the broker refused after a reconnect,
    /// a connection attempt that failed (before the next retry).
    /// </summary>
    public event Action<Exception>? Error;

    /// <summary>
    /// Opens the connection, retrying with back-off while the broker is unreachable; completes once it is open. Fails
    /// when the broker refuses the handshake with a 4xx status (no retry can fix that) or <paramref name="cancellationToken"/>
    /// fires (the client keeps trying in the background until disposed).
    /// </summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource opened;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_opened is null || (_opened.Task.IsFaulted && _state == BrokerConnectionState.Closed))
            {
                _opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                SetState(BrokerConnectionState.Connecting);
                _run = Task.Run(RunAsync, CancellationToken.None); // the connection outlives this call's token
            }
            opened = _opened;
        }
        return opened.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Closes the connection (Close 1000) and fails whatever still waits with <c>closed</c>.</summary>
    public async ValueTask DisposeAsync()
    {
        ClientWebSocket? socket;
        Task? run;
        lock (_gate)
        {
            if (_disposed)
                return;
            _disposed = true;
            socket = _socket;
            run = _run;
        }
        if (socket is { State: WebSocketState.Open })
        {
            try
            {
                // Only our half: the receive loop reads the broker's Close and ends the run loop.
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
                // Already gone: nothing more to close.
            }
        }
        if (run is not null)
            await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
        _lifetime.Cancel(); // aborts a socket that did not finish its close handshake in time
        if (run is not null)
            await run.ConfigureAwait(false);
        Finish(null);
        _lifetime.Dispose();
    }

    private void SetState(BrokerConnectionState state)
    {
        // Callers hold _gate; the event runs outside it on the pool so a handler cannot deadlock the client.
        if (_state == state)
            return;
        _state = state;
        Raise(StateChanged, state);
    }

    private void Report(Exception error) => Raise(Error, error);

    private long NextId() => Interlocked.Increment(ref _nextId);
}
