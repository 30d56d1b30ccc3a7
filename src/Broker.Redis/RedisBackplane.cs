using Broker.Core.Backplane;
using Broker.Core.Metrics;
using Broker.Core.Namespaces;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Broker.Redis;

/// <summary>
/// The cluster backplane: publishing is a Lua call in Redis (<see cref="PublishScript"/>) that, per message, assigns the
/// topic's next offset, appends to its history stream and PUBLISHes; publishes arriving while earlier calls are in
/// flight share one call (<see cref="PublishBatcher"/>). Every node subscribed to the topic (or a matching pattern)
/// gets each message and hands it to its sink. Presence lives in Redis too, its joins and leaves on the same channels
/// (<see cref="PresenceScript"/>). Key and channel layout: <see cref="RedisNames"/>.
/// </summary>
public sealed partial class RedisBackplane : IBackplane
{
    private readonly RedisSettings _settings;
    private readonly ILogger _logger;
    private readonly RedisNames _names;
    private readonly NamespaceTable _namespaces;
    private ConnectionMultiplexer? _redis;
    private volatile bool _disposed;
    private EpochGate? _gate;
    private readonly BackplaneTimings _timings;
    private readonly PublishBatcher _publishes;

    /// <summary>A backplane keeping each topic's history, offset and epoch as <paramref name="namespaces"/> say.</summary>
    public RedisBackplane(RedisSettings settings, NamespaceTable namespaces, ILogger<RedisBackplane> logger,
        BackplaneTimings? timings = null)
    {
        _settings = settings;
        _namespaces = namespaces;
        _timings = timings ?? BackplaneTimings.None;
        _logger = logger;
        _names = new RedisNames(settings.KeyPrefix);
        _publishes = new PublishBatcher(SendPublishes, _timings);
    }

    /// <summary>Both connections up: commands (publish) and the subscriber (deliveries to this node).</summary>
    public bool IsHealthy => _redis is { IsConnected: true } redis && redis.GetSubscriber().IsConnected();

    /// <summary>
    /// Connects without waiting for Redis to be up (AbortOnConnectFail = false): a node starts degraded and heals when
    /// Redis appears. While disconnected every command fails at once (BacklogPolicy.FailFast) instead of queueing, so
    /// a publish is never acked for a message Redis did not take and never waits for a reconnect.
    /// </summary>
    public async Task StartAsync(IBackplaneSink sink, CancellationToken cancellationToken)
    {
        if (_redis is not null || _disposed) throw new InvalidOperationException("the Redis backplane is already started");
        _gate = new EpochGate(sink);
        _sink = sink;
        StartSweeping();
        StartRefreshing();
        var options = _settings.ConnectionOptions("broker");
        options.AsyncTimeout = Milliseconds(_settings.OperationTimeout);
        options.SyncTimeout = Milliseconds(_settings.OperationTimeout);
        Log.Connecting(_logger, _settings.Endpoint, _settings.Tls, _settings.KeyPrefix);

        var redis = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(cancellationToken).ConfigureAwait(false);
        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
        _redis = redis;
        if (!redis.IsConnected) MarkOutage("connect failed", null);
    }

    /// <summary>
    /// Queues the message for the next script call (<see cref="PublishBatcher"/>); completes with its offset once Redis
    /// answered that call. A cancelled wait does not withdraw the message: Redis may still publish it, unacked.
    /// </summary>
    public ValueTask<long> PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (_redis is null) return ValueTask.FromException<long>(NotRunning());
        if (cancellationToken.IsCancellationRequested) return ValueTask.FromCanceled<long>(cancellationToken);
        var published = _publishes.PublishAsync(topic, data);
        return new ValueTask<long>(cancellationToken.CanBeCanceled ? published.WaitAsync(cancellationToken) : published);
    }

    // One PublishScript call for a batch, with the arguments laid out as the script documents.
    private Task<RedisResult> SendPublishes(PublishBatcher.Pending[] batch, int count)
    {
        var redis = _redis ?? throw NotRunning();
        var keys = new RedisKey[2 * count];
        var args = new RedisValue[PublishScript.SharedArguments + PublishScript.ArgumentsPerMessage * count];
        args[0] = Epochs.New();
        args[1] = BackplaneTimings.NowMicroseconds();
        args[2] = _names.ChannelPrefix;
        for (var i = 0; i < count; i++)
        {
            var (topic, data, _, _) = batch[i];
            var history = _namespaces.Resolve(topic).History;
            keys[2 * i] = _names.MetaKey(topic);
            keys[2 * i + 1] = _names.HistoryKey(topic);
            var a = PublishScript.SharedArguments + PublishScript.ArgumentsPerMessage * i;
            args[a] = data;
            args[a + 1] = topic;
            args[a + 2] = history.Size;
            args[a + 3] = Milliseconds(history.Ttl);
        }
        return redis.GetDatabase().ScriptEvaluateAsync(PublishScript.Text, keys, args);
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        _sweeper?.Dispose();
        _refresher?.Dispose();
        var redis = Interlocked.Exchange(ref _redis, null);
        if (redis is null) return;
        redis.ConnectionFailed -= OnConnectionFailed;
        redis.ConnectionRestored -= OnConnectionRestored;
        await redis.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
        await redis.DisposeAsync().ConfigureAwait(false);
    }

    // A publish racing node shutdown gets the ordinary "not accepted" error; one before StartAsync is a wiring bug.
    private Exception NotRunning() => _disposed
        ? new BackplaneUnavailableException("the Redis backplane is shut down")
        : new InvalidOperationException("the Redis backplane is not started");

    private static int Milliseconds(TimeSpan span) => (int)Math.Min(int.MaxValue, span.TotalMilliseconds);
}
