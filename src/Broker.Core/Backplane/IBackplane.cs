namespace Broker.Core.Backplane;

/// <summary>
/// Carries every publish, local ones included, so all nodes see one order and one offset sequence per topic.
/// In-memory on one node; Redis in a cluster.
/// </summary>
public interface IBackplane : IAsyncDisposable
{
    /// <summary>Starts delivering to <paramref name="sink"/>; called once before anything else.</summary>
    Task StartAsync(IBackplaneSink sink, CancellationToken cancellationToken);

    /// <summary>
    /// Assigns <paramref name="topic"/>'s next offset and delivers the message to every subscribed node. Completes with
    /// the offset once the backplane has accepted it; throws <see cref="BackplaneUnavailableException"/> when it cannot.
    /// </summary>
    ValueTask<long> PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>This node wants messages on topics matching <paramref name="pattern"/> (a topic or a wildcard pattern).</summary>
    Task SubscribeAsync(string pattern, CancellationToken cancellationToken = default);

    /// <summary>This node no longer needs <paramref name="pattern"/>.</summary>
    Task UnsubscribeAsync(string pattern, CancellationToken cancellationToken = default);

    /// <summary>False while the backplane cannot accept publishes (Redis down); /healthz reports the node degraded.</summary>
    bool IsHealthy { get; }
}
