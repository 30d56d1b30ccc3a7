using System.Collections.Concurrent;
using Broker.Protocol.Client;

namespace Broker.Core.Backplane;

/// <summary>
/// The embedded single-node backplane. Offsets start at 1 per topic and grow by one per publish. The offset is assigned
/// and the message handed to the sink under one lock per topic, so concurrent publishers still deliver in offset order;
/// the sink only Tells, so the lock is held briefly. Like Redis, only subscribed topics and patterns are delivered, and
/// each message reaches the sink once however many subscriptions match (the sink routes it to every matching key).
/// </summary>
public sealed class InMemoryBackplane : IBackplane
{
    private readonly ConcurrentDictionary<string, TopicSequence> _topics = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _exact = new(StringComparer.Ordinal);
    private readonly Lock _patternsLock = new();
    private volatile string[] _patterns = [];
    private IBackplaneSink? _sink;

    /// <inheritdoc />
    public bool IsHealthy => true;

    /// <inheritdoc />
    public Task StartAsync(IBackplaneSink sink, CancellationToken cancellationToken)
    {
        _sink = sink;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<long> PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var sink = _sink ?? throw new InvalidOperationException("StartAsync was not called");
        var sequence = _topics.GetOrAdd(topic, static _ => new TopicSequence());
        long offset;
        lock (sequence)
        {
            offset = ++sequence.Last;
            if (IsSubscribed(topic))
                sink.Deliver(topic, offset, data);
        }
        return ValueTask.FromResult(offset);
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
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private bool IsSubscribed(string topic)
    {
        if (_exact.ContainsKey(topic))
            return true;
        foreach (var pattern in _patterns)
            if (TopicPattern.Matches(pattern, topic))
                return true;
        return false;
    }

    // Per-topic offset counter; also the lock that keeps assignment and hand-off to the sink in one order.
    private sealed class TopicSequence
    {
        public long Last;
    }
}
