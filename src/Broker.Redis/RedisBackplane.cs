using System.Diagnostics;
using Broker.Core.Backplane;
using Broker.Core.Metrics;
using Broker.Core.Namespaces;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Broker.Redis;

/// <summary>
/// The cluster backplane: every publish is one Lua call in Redis (<see cref="PublishScript"/>) that assigns the topic's
/// next offset, appends to its history stream and PUBLISHes; every node subscribed to the topic (or a matching
/// pattern) gets it and hands it to its sink. Presence lives in Redis too, its joins and leaves on the same channels
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

    /// <summary>A backplane keeping each topic's history, offset and epoch as <paramref name="namespaces"/> say.</summary>
    public RedisBackplane(RedisSettings settings, NamespaceTable namespaces, ILogger<RedisBackplane> logger,
        BackplaneTimings? timings = null)
    {
        _settings = settings;
        _namespaces = namespaces;
        _timings = timings ?? BackplaneTimings.None;
        _logger = logger;
        _names = new RedisNames(settings.KeyPrefix);
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

    public async ValueTask<long> PublishAsync(string topic, ReadOnlyMemory<byte> data,
        CancellationToken cancellationToken = default)
    {
        var redis = _redis ?? throw NotRunning();
        cancellationToken.ThrowIfCancellationRequested();
        var history = _namespaces.Resolve(topic).History;
        RedisKey[] keys = [_names.MetaKey(topic), _names.HistoryKey(topic)];
        RedisValue[] args = [data, history.Size, _names.ChannelName(topic), Epochs.New(), Milliseconds(history.Ttl),
            BackplaneTimings.NowMicroseconds()];
        var started = Stopwatch.GetTimestamp();
        try
        {
            var pending = redis.GetDatabase().ScriptEvaluateAsync(PublishScript.Text, keys, args);
            var result = cancellationToken.CanBeCanceled
                ? await pending.WaitAsync(cancellationToken).ConfigureAwait(false)
                : await pending.ConfigureAwait(false);
            _timings.Publish.Observe(BackplaneTimings.SecondsSinceTimestamp(started));
            return (long)result;
        }
        catch (RedisException e)
        {
            throw new BackplaneUnavailableException($"Redis did not accept the publish to {topic}: {e.Message}", e);
        }
        catch (ObjectDisposedException e)
        {
            throw new BackplaneUnavailableException("the Redis backplane is shut down", e);
        }
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
