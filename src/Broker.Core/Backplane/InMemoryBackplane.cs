using System.Collections.Concurrent;
using Broker.Core.Namespaces;
using Broker.Core.Presence;
using Broker.Protocol.Client;

namespace Broker.Core.Backplane;

/// <summary>
/// The embedded single-node backplane. Per topic it keeps an epoch, the last offset and a bounded ring of the last
/// <c>history.size</c> messages (<see cref="TopicHistory"/>); a topic without a publish for its <c>history.ttl</c> is
/// released whole, and its next publish starts a new epoch at offset 1, as a Redis key that expired would. The offset
/// is assigned and the message handed on under one lock per topic, so concurrent publishers still deliver in offset
/// order; the sink only Tells, so the lock is held briefly. Like Redis, only subscribed topics and patterns are
/// delivered, once however many subscriptions match, through an <see cref="EpochGate"/> that turns an epoch change
/// into a reset for live subscribers.
/// </summary>
public sealed class InMemoryBackplane : IBackplane, IPresence
{
    private readonly ConcurrentDictionary<string, TopicHistory> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _exact = new(StringComparer.Ordinal);
    private readonly Lock _patternsLock = new();
    private readonly NamespaceTable _namespaces;
    private readonly TimeSpan _sweepEvery;
    private volatile string[] _patterns = [];
    private EpochGate? _gate;
    private InMemoryPresence? _presence;
    private Timer? _sweeper;

    /// <summary>A backplane keeping history as <paramref name="namespaces"/> say per topic.</summary>
    public InMemoryBackplane(NamespaceTable namespaces)
    {
        _namespaces = namespaces;
        _sweepEvery = SweepInterval(namespaces);
    }

    /// <inheritdoc />
    public bool IsHealthy => true;

    /// <summary>Topics with state on this node (offset, epoch, history), for tests and the idle-release check.</summary>
    public int TopicCount => _topics.Count;

    /// <summary>Topics the delivery gate tracks.</summary>
    public int CursorCount => _gate?.Count ?? 0;

    /// <inheritdoc />
    public Task StartAsync(IBackplaneSink sink, CancellationToken cancellationToken)
    {
        _gate = new EpochGate(sink);
        _presence = new InMemoryPresence(_namespaces, sink);
        _sweeper = new Timer(_ => Sweep(), null, _sweepEvery, _sweepEvery);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<long> PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var gate = _gate ?? throw new InvalidOperationException("StartAsync was not called");
        while (true)
        {
            var history = Topic(topic);
            lock (history)
            {
                if (history.Released)
                    continue; // swept between lookup and lock: the next lookup makes a fresh epoch
                var offset = history.Append(data);
                if (IsSubscribed(topic))
                    gate.Deliver(topic, history.EpochBytes, offset, data);
                return ValueTask.FromResult(offset);
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<TopicPosition> PositionAsync(string topic, CancellationToken cancellationToken = default)
    {
        var gate = _gate ?? throw new InvalidOperationException("StartAsync was not called");
        while (true)
        {
            var history = Topic(topic);
            lock (history)
            {
                if (history.Released)
                    continue;
                gate.Seed(topic, history.Epoch);
                return ValueTask.FromResult(new TopicPosition(history.Epoch, history.Last));
            }
        }
    }

    /// <inheritdoc />
    public ValueTask<HistoryPage> ReadHistoryAsync(string topic, long? after, int limit,
        CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var history = Topic(topic);
            lock (history)
            {
                if (history.Released)
                    continue;
                return ValueTask.FromResult(history.Read(after, limit));
            }
        }
    }

    /// <inheritdoc />
    public Task SubscribeAsync(string pattern, CancellationToken cancellationToken = default)
    {
        if (!TopicName.IsPattern(pattern))
            _exact[pattern] = true;
        else
            lock (_patternsLock)
                if (Array.IndexOf(_patterns, pattern) < 0)
                    _patterns = [.. _patterns, pattern];
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task UnsubscribeAsync(string pattern, CancellationToken cancellationToken = default)
    {
        if (!TopicName.IsPattern(pattern))
            _exact.TryRemove(pattern, out _);
        else
            lock (_patternsLock)
                _patterns = Array.FindAll(_patterns, p => p != pattern);
        _gate?.Forget(IsSubscribed);
        return Task.CompletedTask;
    }

    /// <summary>Topics with clients in presence.</summary>
    public int PresenceTopicCount => Presence.TopicCount;

    /// <inheritdoc />
    public void Join(string topic, PresenceMember member) => Presence.Join(topic, member);

    /// <inheritdoc />
    public void Leave(string topic, string client) => Presence.Leave(topic, client);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<PresenceMember>> ListAsync(string topic, CancellationToken cancellationToken = default) =>
        Presence.ListAsync(topic, cancellationToken);

    /// <inheritdoc />
    public ValueTask<PresenceStats> StatsAsync(string topic, CancellationToken cancellationToken = default) =>
        Presence.StatsAsync(topic, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _sweeper?.Dispose();
        return ValueTask.CompletedTask;
    }

    private InMemoryPresence Presence => _presence ?? throw new InvalidOperationException("StartAsync was not called");

    private TopicHistory Topic(string topic) =>
        _topics.GetOrAdd(topic, static (_, options) => new TopicHistory(options), _namespaces.Resolve(topic).History);

    // Releases topics idle past their ttl; a topic still subscribed loses its history too (as in Redis), and its
    // subscribers hear of the new epoch through the gate's reset.
    private void Sweep()
    {
        var now = Environment.TickCount64;
        foreach (var (topic, history) in _topics)
        {
            lock (history)
            {
                if (!history.IdleSince(now))
                    continue;
                history.Released = true;
                _topics.TryRemove(new KeyValuePair<string, TopicHistory>(topic, history));
            }
        }
        _gate?.Sweep(_sweepEvery, topic => _exact.ContainsKey(topic));
    }

    private bool IsSubscribed(string topic)
    {
        if (_exact.ContainsKey(topic))
            return true;
        foreach (var pattern in _patterns)
            if (TopicPattern.Matches(pattern, topic))
                return true;
        return false;
    }

    // Often enough that a topic lives at most ~1.25 × its ttl; at most once a second, at least once a minute.
    private static TimeSpan SweepInterval(NamespaceTable namespaces)
    {
        var shortest = namespaces.Namespaces.Append(namespaces.Default).Min(ns => ns.History.Ttl);
        return TimeSpan.FromTicks(Math.Clamp(shortest.Ticks / 4, TimeSpan.TicksPerSecond, TimeSpan.TicksPerMinute));
    }
}
