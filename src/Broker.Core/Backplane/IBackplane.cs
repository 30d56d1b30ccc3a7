namespace Broker.Core.Backplane;

/// <summary>
/// Carries every publish, local ones included, so all nodes see one order and one offset sequence per topic, and keeps
/// each topic's epoch, latest offset and history (<c>broker.namespaces.*.history</c>), all expiring together after the
/// topic's history ttl without publishes. In-memory on one node; Redis in a cluster.
/// </summary>
public interface IBackplane : IAsyncDisposable
{
    /// <summary>Starts delivering to <paramref name="sink"/>; called once before anything else.</summary>
    Task StartAsync(IBackplaneSink sink, CancellationToken cancellationToken);

    /// <summary>
    /// Assigns <paramref name="topic"/>'s next offset, appends the message to its history and delivers it to every
    /// subscribed node. Completes with the offset once the backplane has accepted it; throws
    /// <see cref="BackplaneUnavailableException"/> when it cannot.
    /// </summary>
    ValueTask<long> PublishAsync(string topic, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>
    /// The concrete <paramref name="topic"/>'s epoch and latest offset, creating the epoch (offset 0) if the topic has
    /// none yet, so a subscriber always learns the epoch its later messages belong to. Also tells this node's delivery
    /// which epoch its subscribers know, so a later change reaches them as a reset.
    /// </summary>
    ValueTask<TopicPosition> PositionAsync(string topic, CancellationToken cancellationToken = default);

    /// <summary>
    /// The concrete <paramref name="topic"/>'s retained messages with offsets above <paramref name="after"/>, oldest
    /// first, at most <paramref name="limit"/>; without <paramref name="after"/> the last <paramref name="limit"/>.
    /// Read in one step with the position. A topic without an epoch answers an empty page under a new epoch.
    /// </summary>
    ValueTask<HistoryPage> ReadHistoryAsync(string topic, long? after, int limit, CancellationToken cancellationToken = default);

    /// <summary>This node wants messages on topics matching <paramref name="pattern"/> (a topic or a wildcard pattern).</summary>
    Task SubscribeAsync(string pattern, CancellationToken cancellationToken = default);

    /// <summary>This node no longer needs <paramref name="pattern"/>.</summary>
    Task UnsubscribeAsync(string pattern, CancellationToken cancellationToken = default);

    /// <summary>False while the backplane cannot accept publishes (Redis down); /healthz reports the node degraded.</summary>
    bool IsHealthy { get; }
}
