using Broker.Core.Backplane;
using Broker.Core.Tests.Backplane;

namespace Broker.Core.Tests.PubSub;

// The real in-memory backplane with a switch that makes it fail as Redis does while it is down: asynchronously, with
// BackplaneUnavailableException.
internal sealed class FlakyBackplane : IBackplane
{
    private readonly InMemoryBackplane _inner = new(TestNamespaces.Default);

    public volatile bool Down;

    public bool IsHealthy => !Down;

    public Task StartAsync(IBackplaneSink sink, CancellationToken cancellationToken) => _inner.StartAsync(sink, cancellationToken);

    public async ValueTask<long> PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return Down ? throw new BackplaneUnavailableException("redis is down") : await _inner.PublishAsync(topic, data, cancellationToken);
    }

    public async ValueTask<TopicPosition> PositionAsync(string topic, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return Down ? throw new BackplaneUnavailableException("redis is down") : await _inner.PositionAsync(topic, cancellationToken);
    }

    public async ValueTask<HistoryPage> ReadHistoryAsync(string topic, long? after, int limit, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        return Down
            ? throw new BackplaneUnavailableException("redis is down")
            : await _inner.ReadHistoryAsync(topic, after, limit, cancellationToken);
    }

    public async Task SubscribeAsync(string pattern, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        if (Down)
            throw new BackplaneUnavailableException("redis is down");
        await _inner.SubscribeAsync(pattern, cancellationToken);
    }

    public Task UnsubscribeAsync(string pattern, CancellationToken cancellationToken = default) =>
        _inner.UnsubscribeAsync(pattern, cancellationToken);

    public ValueTask DisposeAsync() => _inner.DisposeAsync();
}
