using System.Collections.Concurrent;
using Broker.Core.Tests.Backplane;
using Broker.Core.Backplane;

namespace Broker.Core.Tests.Topics;

// The real in-memory backplane, plus a log of the subscribe/unsubscribe calls the registry makes and a switch that makes
// subscribes fail as Redis would while it is down.
internal sealed class RecordingBackplane : IBackplane
{
    private readonly InMemoryBackplane _inner = new(TestNamespaces.Default);

    public ConcurrentQueue<string> Calls { get; } = new();

    public volatile bool FailSubscribes;

    public bool IsHealthy => _inner.IsHealthy;

    public Task StartAsync(IBackplaneSink sink, CancellationToken cancellationToken) => _inner.StartAsync(sink, cancellationToken);

    public ValueTask<long> PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        _inner.PublishAsync(topic, data, cancellationToken);

    public ValueTask<TopicPosition> PositionAsync(string topic, CancellationToken cancellationToken = default) =>
        _inner.PositionAsync(topic, cancellationToken);

    public ValueTask<HistoryPage> ReadHistoryAsync(string topic, long? after, int limit, CancellationToken cancellationToken = default) =>
        _inner.ReadHistoryAsync(topic, after, limit, cancellationToken);

    public Task SubscribeAsync(string pattern, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue("+" + pattern);
        // Throws before returning a task, the harshest way a backplane can fail.
        if (FailSubscribes)
            throw new BackplaneUnavailableException("redis is down");
        return _inner.SubscribeAsync(pattern, cancellationToken);
    }

    public Task UnsubscribeAsync(string pattern, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue("-" + pattern);
        return _inner.UnsubscribeAsync(pattern, cancellationToken);
    }

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
