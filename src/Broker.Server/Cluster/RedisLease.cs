using System.Diagnostics;
using Akka.Actor;
using Akka.Coordination;
using Akka.Event;
using Broker.Redis;
using StackExchange.Redis;

namespace Broker.Server.Cluster;

/// <summary>
/// An Akka coordination lease held in the Redis the backplane already depends on, for the split-brain resolver's
/// <c>lease-majority</c> strategy (hocon/cluster.hocon): on a partition or a crash only the side whose leader acquires
/// this lease stays up, so two sides never both survive and one side always can, whatever the member counts.
/// <para>
/// The key <c>{broker.redis.key-prefix}lease:{lease name}</c> holds the owner's address with a time to live of
/// <c>heartbeat-timeout</c>: an owner that crashes loses the lease once it expires. While held, the lease is renewed
/// every <c>heartbeat-interval</c>; a renewal that finds another owner, or no successful renewal for
/// <c>heartbeat-timeout</c>, counts as lost (the lost callback runs, <see cref="CheckLease"/> turns false).
/// Constructed by Akka's LeaseProvider with (settings, system); it opens its own Redis connection on first use.
/// </para>
/// </summary>
public sealed class RedisLease : Lease
{
    private readonly ILoggingAdapter _log;
    private readonly RedisSettings _redis;
    private readonly RedisKey _key;
    private readonly RedisValue _owner;
    private readonly TimeSpan _ttl;
    private readonly TimeSpan _renewEvery;
    private readonly TimeSpan _operationTimeout;
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;
    private readonly Lock _gate = new();
    private CancellationTokenSource? _renewing;
    private long _renewedAt; // Stopwatch timestamp of the last acquire or renewal Redis confirmed; 0 = not held

    public RedisLease(LeaseSettings settings, ExtendedActorSystem system) : base(settings)
    {
        _log = Logging.GetLogger(system, typeof(RedisLease));
        _redis = RedisSettings.Create(system.Settings.Config);
        _key = $"{_redis.KeyPrefix}lease:{settings.LeaseName}";
        _owner = settings.OwnerName;
        _ttl = settings.TimeoutSettings.HeartbeatTimeout;
        _renewEvery = settings.TimeoutSettings.HeartbeatInterval;
        _operationTimeout = settings.TimeoutSettings.OperationTimeout;
        if (_renewEvery >= _ttl)
            throw new ArgumentException($"lease {settings.LeaseName}: heartbeat-interval must be shorter than heartbeat-timeout");
        _connection = new Lazy<Task<ConnectionMultiplexer>>(ConnectAsync);
    }

    public override Task<bool> Acquire() => Acquire(null);

    public override async Task<bool> Acquire(Action<Exception?>? leaseLostCallback)
    {
        var acquired = await RunAsync(LeaseScripts.Acquire, "acquire").ConfigureAwait(false);
        if (!acquired)
        {
            _log.Info("Lease {0} is held by another owner; {1} did not get it", _key, _owner);
            return false;
        }
        lock (_gate)
        {
            Volatile.Write(ref _renewedAt, Stopwatch.GetTimestamp());
            if (_renewing is null)
            {
                _renewing = new CancellationTokenSource();
                _ = RenewAsync(leaseLostCallback, _renewing.Token);
            }
        }
        _log.Info("Lease {0} acquired by {1}", _key, _owner);
        return true;
    }

    public override async Task<bool> Release()
    {
        StopRenewing();
        var released = await RunAsync(LeaseScripts.Release, "release").ConfigureAwait(false);
        _log.Info(released ? "Lease {0} released by {1}" : "Lease {0} was no longer held by {1}", _key, _owner);
        return released;
    }

    public override bool CheckLease()
    {
        var renewedAt = Volatile.Read(ref _renewedAt);
        return renewedAt != 0 && Stopwatch.GetElapsedTime(renewedAt) < _ttl;
    }

    private async Task RenewAsync(Action<Exception?>? leaseLost, CancellationToken cancel)
    {
        using var timer = new PeriodicTimer(_renewEvery);
        Exception? failure = null;
        try
        {
            while (await timer.WaitForNextTickAsync(cancel).ConfigureAwait(false))
            {
                try
                {
                    if (!await RunAsync(LeaseScripts.Renew, "renew").ConfigureAwait(false))
                        break; // expired and taken by another owner: lost for certain
                    lock (_gate)
                    {
                        // A renewal that was in flight while the lease was released must not make it look held again.
                        if (cancel.IsCancellationRequested)
                            return;
                        Volatile.Write(ref _renewedAt, Stopwatch.GetTimestamp());
                    }
                }
                catch (LeaseException e) when (CheckLease())
                {
                    // Redis unreachable, but the key cannot have expired yet: keep trying until it could have.
                    _log.Warning("Lease {0}: renewal failed, retrying ({1})", _key, e.Message);
                }
                catch (LeaseException e)
                {
                    failure = e;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return; // released
        }
        Volatile.Write(ref _renewedAt, 0);
        lock (_gate)
        {
            _renewing?.Dispose();
            _renewing = null;
        }
        _log.Warning("Lease {0} lost by {1}", _key, _owner);
        leaseLost?.Invoke(failure);
    }

    private void StopRenewing()
    {
        lock (_gate)
        {
            _renewing?.Cancel();
            _renewing?.Dispose();
            _renewing = null;
            Volatile.Write(ref _renewedAt, 0);
        }
    }

    // A lease answer is certain only when Redis answered: anything else is a LeaseException (the SBR then treats the
    // lease as not acquired, which downs this side rather than risk two surviving sides).
    private async Task<bool> RunAsync(string script, string what)
    {
        try
        {
            var redis = await _connection.Value.WaitAsync(_operationTimeout).ConfigureAwait(false);
            var result = await redis.GetDatabase()
                .ScriptEvaluateAsync(script, [_key], [_owner, (long)_ttl.TotalMilliseconds])
                .WaitAsync(_operationTimeout).ConfigureAwait(false);
            return (long)result == 1;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            throw new LeaseException($"lease {_key}: {what} failed: {e.Message}", e);
        }
    }

    // Same connection options as the backplane: start even while Redis is down, fail fast instead of queueing.
    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var options = ConfigurationOptions.Parse(_redis.Endpoint);
        options.Password = _redis.Password.Length == 0 ? null : _redis.Password;
        options.Ssl = _redis.Tls;
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = (int)_redis.ConnectTimeout.TotalMilliseconds;
        options.AsyncTimeout = (int)_operationTimeout.TotalMilliseconds;
        // Back after a Redis restart as quickly as the backplane: a decision taken then must not find the lease offline.
        options.ReconnectRetryPolicy = new ExponentialRetry(
            (int)_redis.ReconnectBackoff.TotalMilliseconds, (int)_redis.ReconnectMaxBackoff.TotalMilliseconds);
        options.ClientName = "broker-lease";
        return await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
    }
}
