using System.Buffers.Binary;
using Broker.Core.Backplane;
using StackExchange.Redis;

namespace Broker.Redis;

public sealed partial class RedisBackplane
{
    // Subscribe/unsubscribe are rare (first/last local subscriber of a pattern) and serialized, so the map and the
    // Redis subscription state never disagree; delivery reads the map without the lock.
    private readonly SemaphoreSlim _subscriptionLock = new(1, 1);
    private readonly Dictionary<string, Subscription> _subscriptions = new(StringComparer.Ordinal);

    /// <summary>
    /// Idempotent, not reference-counted: the topic registry calls it for a pattern's first local subscriber.
    /// A concrete topic is a SUBSCRIBE to its channel; a wildcard pattern a PSUBSCRIBE to its glob
    /// (<see cref="RedisNames.PatternChannel"/>), filtered exactly on arrival. Completes once Redis confirmed it.
    /// </summary>
    public async Task SubscribeAsync(string pattern, CancellationToken cancellationToken = default)
    {
        var redis = _redis ?? throw new InvalidOperationException("the Redis backplane is not started");
        await _subscriptionLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_subscriptions.ContainsKey(pattern)) return;
            var wildcard = TopicPattern.IsWildcard(pattern);
            var channel = wildcard ? _names.PatternChannel(pattern) : _names.TopicChannel(pattern);
            var queue = await Redis(() => redis.GetSubscriber().SubscribeAsync(channel), pattern).ConfigureAwait(false);
            var subscription = new Subscription(pattern, wildcard ? TopicPattern.Parse(pattern) : null, queue);
            _subscriptions.Add(pattern, subscription);
            // Sequential handler: one queue's messages reach the sink in the order Redis sent them.
            queue.OnMessage(message => OnMessage(subscription, message));
        }
        finally
        {
            _subscriptionLock.Release();
        }
    }

    /// <summary>Idempotent. After it completes no message of this subscription reaches the sink.</summary>
    public async Task UnsubscribeAsync(string pattern, CancellationToken cancellationToken = default)
    {
        await _subscriptionLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_subscriptions.Remove(pattern, out var subscription)) return;
            // Inactive first: the queue may still hold messages; they are dropped, not delivered after the unsubscribe.
            subscription.Active = false;
            _gate?.Forget(topic => _subscriptions.Values.Any(s => s.Covers(topic)));
            await Redis(() => subscription.Queue.UnsubscribeAsync(), pattern).ConfigureAwait(false);
        }
        finally
        {
            _subscriptionLock.Release();
        }
    }

    private void OnMessage(Subscription subscription, ChannelMessage message)
    {
        if (!subscription.Active) return;
        var topic = subscription.Pattern is null ? subscription.Key : _names.TopicOf(message.Channel);
        if (topic is null || subscription.Pattern?.Matches(topic) == false) return;

        ReadOnlyMemory<byte> payload = message.Message;
        if (payload.Length < sizeof(long))
        {
            Log.MalformedMessage(_logger, message.Channel.ToString(), payload.Length);
            return;
        }
        var offset = BinaryPrimitives.ReadInt64BigEndian(payload.Span);
        try
        {
            _gate!.Deliver(topic, offset, payload[sizeof(long)..]);
        }
        catch (Exception e)
        {
            // A failing sink must not stop this queue: later messages and other topics still flow.
            Log.SinkFailed(_logger, topic, offset, e);
        }
    }

    private static async Task<T> Redis<T>(Func<Task<T>> command, string pattern)
    {
        try
        {
            return await command().ConfigureAwait(false);
        }
        catch (RedisException e)
        {
            throw new BackplaneUnavailableException($"Redis did not take the subscription change for {pattern}: {e.Message}", e);
        }
    }

    private static async Task Redis(Func<Task> command, string pattern) =>
        await Redis(async () => { await command().ConfigureAwait(false); return true; }, pattern).ConfigureAwait(false);

    private sealed class Subscription(string key, TopicPattern? pattern, ChannelMessageQueue queue)
    {
        public string Key { get; } = key;
        public TopicPattern? Pattern { get; } = pattern;
        public ChannelMessageQueue Queue { get; } = queue;
        public volatile bool Active = true;

        public bool Covers(string topic) => Pattern?.Matches(topic) ?? Key == topic;
    }
}
