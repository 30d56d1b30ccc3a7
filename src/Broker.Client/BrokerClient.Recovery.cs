using System.Text.Json;

namespace Broker.Client;

public sealed partial class BrokerClient
{
    /// <summary>
    /// Raised after a concrete topic was subscribed again on a new connection with the position it had reached: says
    /// whether the broker replayed everything missed meanwhile (on a pool thread; keep handlers short).
    /// </summary>
    public event Action<TopicRecovery>? Recovered;

    /// <summary>Raised when a subscribed topic's epoch changed under it: offsets start again at 1 (docs/protocol.md, <c>reset</c>).</summary>
    public event Action<TopicReset>? Reset;

    /// <summary>
    /// The messages a concrete topic retains (its namespace's <c>history</c>): the last <paramref name="limit"/> (all
    /// retained when null), or those after <paramref name="since"/>, in ascending offset order, with the topic's latest
    /// position. Needs an open connection: fails with <c>not_connected</c> otherwise, or with the broker's code
    /// (<c>bad_topic</c>, <c>forbidden</c>, ...).
    /// </summary>
    public async Task<TopicHistory> HistoryAsync(string topic, int? limit = null, TopicPosition? since = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var reply = await QueryAsync("history", id => Commands.History(id, topic, limit, since), cancellationToken)
            .ConfigureAwait(false);
        var messages = reply.GetProperty("messages"u8).EnumerateArray()
            .Select(m => new BrokerMessage(topic, m.GetProperty("offset"u8).GetInt64(), m.GetProperty("data"u8)))
            .ToArray();
        return new TopicHistory(topic, PositionOf(reply), messages);
    }

    // A concrete topic's subscribe ack, in the receive loop before any replayed message: a recovering ack keeps our
    // position (the replay continues from it), any other ack's position becomes ours.
    private void OnSubscribed(TopicEntry entry, TopicPosition? since, JsonElement ack)
    {
        if (!ack.GetProperty("type"u8).ValueEquals("ack"u8) || !ack.TryGetProperty("epoch"u8, out _))
            return; // an error, or a pattern's ack: no position
        var latest = PositionOf(ack);
        var recovered = since is not null && ack.TryGetProperty("recovered"u8, out var r) && r.ValueKind == JsonValueKind.True;
        lock (_gate)
        {
            entry.Epoch = latest.Epoch;
            if (!recovered)
                entry.Offset = latest.Offset;
        }
        if (since is not null)
            Raise(Recovered, new TopicRecovery(entry.Key, recovered, latest));
    }

    // The receive loop: offsets start again at 1, so the de-duplication must not take them for copies.
    private void OnReset(string topic, string epoch)
    {
        _lastOffsets.Remove(topic);
        lock (_gate)
            if (_topics.TryGetValue(topic, out var entry) && entry.Epoch is not null)
                (entry.Epoch, entry.Offset) = (epoch, 0);
        Raise(Reset, new TopicReset(topic, epoch));
    }

    // The server took one subscription away (docs/http-api.md, user operations): its streams end with `unsubscribed`.
    private void OnUnsubscribed(string topic)
    {
        List<Subscriber> dropped;
        lock (_gate)
        {
            if (!_topics.Remove(topic, out var entry))
                return;
            dropped = [.. entry.Subscribers];
        }
        var error = new BrokerException("unsubscribed", $"the broker removed the subscription to {topic}");
        foreach (var subscriber in dropped)
            subscriber.Buffer.Writer.TryComplete(error);
        Report(error);
    }

    private static TopicPosition PositionOf(JsonElement reply) =>
        new(reply.GetProperty("epoch"u8).GetString()!, reply.GetProperty("offset"u8).GetInt64());

    private static void Raise<T>(Action<T>? handler, T value)
    {
        if (handler is not null)
            ThreadPool.QueueUserWorkItem(handler, value, preferLocal: false);
    }
}
