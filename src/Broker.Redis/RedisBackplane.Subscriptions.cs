using System.Buffers.Binary;
using System.Diagnostics;
using Broker.Core.Backplane;
using Broker.Core.Metrics;
using Broker.Protocol.Client;
using StackExchange.Redis;

namespace Broker.Redis;

public sealed partial class RedisBackplane
{
    // Channel payload (PublishScript): 8-byte offset, 8-byte publish time, the fixed-length epoch, then the data.
    private const int EpochStart = 2 * sizeof(long);
    private const int HeaderLength = EpochStart + Epochs.Length;

    // Subscription changes are serialized only while they touch the map and queue their (P)SUBSCRIBE or UNSUBSCRIBE
    // (no Redis round trip under the lock), so the map and the order of commands sent to Redis never disagree;
    // delivery never reads the map (each queue's handler holds its entry). Waiting for Redis to have processed a change
    // is a PING on the subscriber connection, which travels behind every command queued before it: concurrent changes
    // share one such PING (one round trip for a batch), so one client's churn does not queue other clients' subscribes
    // behind a round trip each.
    private readonly SemaphoreSlim _subscriptionLock = new(1, 1);
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);
    private readonly Lock _barrierLock = new();
    private Task? _nextBarrier; // a PING not sent yet, which changes queued from now on may still share

    /// <summary>
    /// Idempotent, not reference-counted: the topic registry calls it for a pattern's first local subscriber.
    /// A concrete topic is a SUBSCRIBE to its channel; a wildcard pattern a PSUBSCRIBE to its glob
    /// (<see cref="RedisNames.PatternChannel"/>), filtered exactly on arrival. Subscriptions are the node's desired
    /// state: StackExchange.Redis registers one before sending it and re-sends every registered one after a reconnect.
    /// So while Redis is down this still succeeds (the node is unhealthy and nothing flows anyway) and the subscription
    /// takes effect when Redis is back; while Redis is up it completes once Redis has processed the SUBSCRIBE.
    /// </summary>
    public async Task SubscribeAsync(string pattern, CancellationToken cancellationToken = default)
    {
        var redis = _redis ?? throw NotRunning();
        await _subscriptionLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        Task barrier;
        try
        {
            if (_subscriptions.TryGetValue(pattern, out var existing))
            {
                barrier = existing.Subscribed; // a concurrent first subscribe may still wait for Redis
            }
            else
            {
                barrier = (await RegisterAsync(redis, pattern).ConfigureAwait(false)).Subscribed;
            }
        }
        finally
        {
            _subscriptionLock.Release();
        }
        await barrier.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    // Under the subscription lock: registers the queue and sends the (P)SUBSCRIBE without waiting for Redis.
    private async Task<Subscription> RegisterAsync(ConnectionMultiplexer redis, string pattern)
    {
        var wildcard = TopicName.IsPattern(pattern);
        var channel = wildcard ? _names.PatternChannel(pattern) : _names.TopicChannel(pattern);
        var subscriber = redis.GetSubscriber();
        // Fire-and-forget returns the registered queue even when Redis is unreachable (an awaited SUBSCRIBE would
        // throw and lose the queue while the multiplexer keeps it registered and re-subscribes it later).
        var queue = await subscriber.SubscribeAsync(channel, CommandFlags.FireAndForget).ConfigureAwait(false);
        var subscription = new Subscription(pattern, wildcard, queue);
        _subscriptions.Add(pattern, subscription);
        TrackExact(pattern, subscribed: true);
        // Sequential handler: one queue's messages reach the sink in the order Redis sent them.
        queue.OnMessage(message => OnMessage(subscription, message));
        subscription.Subscribed = Barrier(subscriber, pattern); // travels behind the SUBSCRIBE
        return subscription;
    }

    // A task that completes once Redis processed every subscription command queued before this call: the next PING
    // on the subscriber connection, shared by every change queued until it is sent. Never faults (see Quietly).
    private Task Barrier(ISubscriber subscriber, string pattern)
    {
        lock (_barrierLock)
            return _nextBarrier ??= SendBarrierAsync(subscriber, pattern);
    }

    private async Task SendBarrierAsync(ISubscriber subscriber, string pattern)
    {
        await Task.Yield(); // changes queued meanwhile (on other threads) join this PING
        lock (_barrierLock)
            _nextBarrier = null; // from here on a change needs a later PING
        // While Redis is up but the subscription connection is still connecting (just after start, slower with TLS), the
        // PING fails fast although the SUBSCRIBE will go out the moment it connects: wait for that, within the connect
        // timeout, so "completes once Redis processed it" holds. With Redis down the barrier gives up at once.
        var waited = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await subscriber.PingAsync().ConfigureAwait(false);
                return;
            }
            catch (RedisException) when (subscriber.Multiplexer.IsConnected && waited.Elapsed < _settings.ConnectTimeout)
            {
                await Task.Delay(20).ConfigureAwait(false);
            }
            catch (RedisException e)
            {
                Log.SubscriptionDeferred(_logger, pattern, e.Message);
                return;
            }
        }
    }

    /// <summary>
    /// Idempotent. Once it completes, messages still queued for this subscription are dropped (one already being handed
    /// to the sink may finish). While Redis is down it still succeeds: the subscription is dropped locally, and Redis
    /// dropped it with the connection. Patterns no remaining subscription covers lose their dedup mark.
    /// </summary>
    public async Task UnsubscribeAsync(string pattern, CancellationToken cancellationToken = default)
    {
        if (_disposed) return; // shutdown closed every subscription with the connection
        var redis = _redis ?? throw NotRunning();
        await _subscriptionLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        Task barrier;
        try
        {
            if (!_subscriptions.Remove(pattern, out var subscription)) return;
            // Inactive first: the queue may still hold messages; they are dropped, not delivered after the unsubscribe.
            subscription.Active = false;
            TrackExact(pattern, subscribed: false);
            _gate?.Forget(topic => _subscriptions.Values.Any(s => s.Covers(topic)));
            // The queue kept the fire-and-forget flag: this queues the UNSUBSCRIBE; the barrier waits for Redis.
            await Quietly(() => subscription.Queue.UnsubscribeAsync(), pattern).ConfigureAwait(false);
            barrier = Barrier(redis.GetSubscriber(), pattern);
        }
        finally
        {
            _subscriptionLock.Release();
        }
        await barrier.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    private void OnMessage(Subscription subscription, ChannelMessage message)
    {
        if (!subscription.Active) return;
        var topic = subscription.IsWildcard ? _names.TopicOf(message.Channel) : subscription.Key;
        if (topic is null || !subscription.Covers(topic)) return;

        ReadOnlyMemory<byte> payload = message.Message;
        if (IsPresenceEvent(payload.Span))
        {
            // Also sent to matching wildcard subscriptions; join and leave go to the topic's own subscribers only.
            if (!subscription.IsWildcard)
                OnPresenceEvent(topic, payload.Span);
            return;
        }
        if (payload.Length < HeaderLength)
        {
            Log.MalformedMessage(_logger, message.Channel.ToString(), payload.Length);
            return;
        }
        var offset = BinaryPrimitives.ReadInt64BigEndian(payload.Span);
        _timings.Lag.Observe(BackplaneTimings.SecondsSince(BinaryPrimitives.ReadInt64BigEndian(payload.Span[sizeof(long)..])));
        try
        {
            _gate!.Deliver(topic, payload.Span[EpochStart..HeaderLength], offset, payload[HeaderLength..]);
        }
        catch (Exception e)
        {
            // A failing sink must not stop this queue: later messages and other topics still flow.
            Log.SinkFailed(_logger, topic, offset, e);
        }
    }

    // Subscription changes are registered locally before they are sent, so a Redis failure here only delays them
    // until the reconnect; it is logged (the outage itself is logged once by the health handler), not thrown.
    private async Task Quietly(Func<Task> command, string pattern)
    {
        try
        {
            await command().ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            Log.SubscriptionDeferred(_logger, pattern, e.Message);
        }
    }

    private sealed class Subscription(string key, bool isWildcard, ChannelMessageQueue queue)
    {
        public string Key { get; } = key;
        public bool IsWildcard { get; } = isWildcard;
        public ChannelMessageQueue Queue { get; } = queue;
        public volatile bool Active = true;

        /// <summary>Completes once Redis processed this subscription's (P)SUBSCRIBE.</summary>
        public Task Subscribed { get; set; } = Task.CompletedTask;

        public bool Covers(string topic) => IsWildcard ? TopicPattern.Matches(Key, topic) : Key == topic;
    }
}
