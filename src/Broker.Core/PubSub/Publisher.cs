using Broker.Core.Backplane;
using Broker.Core.Metrics;
using Broker.Core.Topics;

namespace Broker.Core.PubSub;

/// <summary>
/// The publish path every front end shares (<c>/ws</c> and <c>POST /api/publish</c>): the data size limit, the backplane
/// call, the node's publish counters, and the failure's stable error code. Each front end keeps its own parsing (the topic
/// is checked there, by <c>TopicName</c>), authorization, rate limit and reply format. Stateless, so thread-safe.
/// </summary>
public sealed class Publisher(IBackplane backplane, PubSubSettings settings, TrafficCounters traffic)
{
    /// <summary>Why <c>data</c> of <paramref name="bytes"/> bytes is refused with <c>message_too_large</c>, or null when it fits.</summary>
    public string? CheckSize(long bytes) =>
        bytes > settings.MaxPublishBytes ? $"data is {bytes} bytes; the limit is {settings.MaxPublishBytes}" : null;

    /// <summary>
    /// Publishes <paramref name="data"/> (shared, never copied again) and counts the outcome. Completes synchronously when
    /// the backplane does (in-memory). A failure, thrown or faulted, becomes the outcome; only a cancellation of
    /// <paramref name="cancel"/> propagates, uncounted (nobody waits for an answer).
    /// </summary>
    public async ValueTask<PublishOutcome> PublishAsync(string topic, byte[] data, CancellationToken cancel = default)
    {
        long offset;
        try
        {
            offset = await backplane.PublishAsync(topic, data, cancel);
        }
        catch (Exception e) when (!cancel.IsCancellationRequested)
        {
            traffic.PublishFailures.Increment();
            return new PublishOutcome(0, e);
        }
        traffic.Publishes.Increment();
        return new PublishOutcome(offset, null);
    }
}
