using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Broker.Client;

public sealed partial class BrokerClient
{
    // Topic or pattern → its local subscribers; the broker holds one subscription per key. Guarded by _gate.
    private readonly Dictionary<string, TopicEntry> _topics = new(StringComparer.Ordinal);

    // Per concrete topic, the last offset handed out on this connection (receive loop only): the broker sends a message
    // once per matching subscription (chat.lobby and chat.*), and every matching subscriber gets it once.
    private readonly Dictionary<string, long> _lastOffsets = new(StringComparer.Ordinal);

    /// <summary>
    /// Subscribes to a topic or pattern (<c>*</c> one segment, a last <c>&gt;</c> the rest) and completes once the
    /// broker acknowledged it: every later publish reaches <paramref name="handler"/>. Messages reach the handler one at
    /// a time, in offset order per topic. After a reconnect the client subscribes again by itself; a concrete topic resumes
    /// where it left off: the broker replays what was published meanwhile, as far as its history reaches
    /// (<see cref="Recovered"/> says whether it did). Dispose the result to unsubscribe.
    /// </summary>
    public async Task<Subscription> SubscribeAsync(string topic, Func<BrokerMessage, ValueTask> handler,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var (subscriber, _) = await AddAsync(topic, cancellationToken).ConfigureAwait(false);
        _ = Task.Run(() => RunHandlerAsync(subscriber, handler), CancellationToken.None);
        return new Subscription(this, subscriber);
    }

    /// <summary>
    /// The messages on a topic or pattern as a stream, from the broker's ack on, until <paramref name="cancellationToken"/>
    /// fires (then <see cref="OperationCanceledException"/>) or the client closes. Leaving the loop unsubscribes. A consumer
    /// slower than the stream holds back the socket (bounded by <see cref="BrokerClientOptions.SubscriptionBufferSize"/>).
    /// </summary>
    public async IAsyncEnumerable<BrokerMessage> ReadAllAsync(string topic,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (subscriber, _) = await AddAsync(topic, cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var message in subscriber.Buffer.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
            {
                // The channel hands out buffered messages without looking at the token: a cancelled stream stops at once.
                cancellationToken.ThrowIfCancellationRequested();
                yield return message;
            }
        }
        finally
        {
            await RemoveAsync(subscriber).ConfigureAwait(false);
        }
    }

    private async Task<(Subscriber, TopicEntry)> AddAsync(string topic, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        var subscriber = new Subscriber(topic, _options.SubscriptionBufferSize);
        TopicEntry entry;
        ClientWebSocket? socket = null;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_topics.TryGetValue(topic, out entry!))
            {
                entry = new TopicEntry(topic);
                _topics.Add(topic, entry);
                socket = _socket; // not connected: the run loop subscribes every entry when the connection opens
            }
            entry.Subscribers.Add(subscriber);
        }
        if (socket is not null)
            _ = SubscribeOnWireAsync(socket, entry);
        try
        {
            await entry.Acked.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await RemoveAsync(subscriber).ConfigureAwait(false);
            throw;
        }
        return (subscriber, entry);
    }

    private async Task SubscribeOnWireAsync(ClientWebSocket socket, TopicEntry entry)
    {
        TopicPosition? since;
        lock (_gate)
            since = entry.Epoch is { } epoch ? new TopicPosition(epoch, entry.Offset) : null;
        System.Text.Json.JsonElement reply;
        try
        {
            reply = await RequestAsync(socket, id => Commands.Subscribe(id, entry.Key, since), _lifetime.Token,
                ack => OnSubscribed(entry, since, ack)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BrokerException or OperationCanceledException)
        {
            return; // the connection dropped: the next one subscribes again
        }
        if (reply.GetProperty("type"u8).ValueEquals("ack"u8))
        {
            entry.Acked.TrySetResult();
            return;
        }
        var error = ErrorOf(reply);
        if (entry.Acked.Task.IsCompleted)
        {
            Report(new BrokerException(error.Code, $"resubscribing {entry.Key} after a reconnect failed: {error.Message}"));
            return;
        }
        List<Subscriber> dropped;
        lock (_gate)
        {
            _topics.Remove(entry.Key);
            dropped = [.. entry.Subscribers];
        }
        entry.Acked.TrySetException(error);
        foreach (var subscriber in dropped)
            subscriber.Buffer.Writer.TryComplete(error);
    }

    internal async ValueTask RemoveAsync(Subscriber subscriber)
    {
        subscriber.Removed = true;
        subscriber.Buffer.Writer.TryComplete();
        ClientWebSocket? socket = null;
        lock (_gate)
        {
            if (_topics.TryGetValue(subscriber.Key, out var entry) && entry.Subscribers.Remove(subscriber) && entry.Subscribers.Count == 0)
            {
                _topics.Remove(subscriber.Key);
                socket = _socket;
            }
        }
        if (socket is null)
            return;
        try
        {
            using var timeout = new CancellationTokenSource(_options.PublishTimeout);
            await RequestAsync(socket, id => Commands.Unsubscribe(id, subscriber.Key), timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BrokerException or OperationCanceledException)
        {
            // Disconnected meanwhile: a new connection does not subscribe it again.
        }
    }

    // The receive loop hands a message to every matching subscriber, waiting for room in each buffer (back-pressure).
    private async ValueTask DispatchAsync(BrokerMessage message)
    {
        if (_lastOffsets.TryGetValue(message.Topic, out var last) && message.Offset <= last)
            return; // the copy for a second matching subscription: already handed out
        _lastOffsets[message.Topic] = message.Offset;
        List<Subscriber> targets;
        lock (_gate)
        {
            if (_topics.TryGetValue(message.Topic, out var exact) && exact.Epoch is not null)
                exact.Offset = message.Offset; // where a resubscribe resumes
            targets = [.. _topics.Values.Where(e => TopicMatcher.Matches(e.Key, message.Topic)).SelectMany(e => e.Subscribers)];
        }
        foreach (var subscriber in targets)
        {
            try
            {
                await subscriber.Buffer.Writer.WriteAsync(message, _lifetime.Token).ConfigureAwait(false);
            }
            catch (ChannelClosedException)
            {
                // Unsubscribed meanwhile.
            }
        }
    }

    private async Task RunHandlerAsync(Subscriber subscriber, Func<BrokerMessage, ValueTask> handler)
    {
        var reader = subscriber.Buffer.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
                while (!subscriber.Removed && reader.TryRead(out var message))
                    try
                    {
                        await handler(message).ConfigureAwait(false);
                    }
                    catch (Exception e)
                    {
                        Report(e); // one failing message must not stop the subscription
                    }
        }
        catch (Exception e) when (e is BrokerException)
        {
            // The client closed for good; ConnectAsync and the state event already say why.
        }
    }

    private sealed class TopicEntry(string key)
    {
        public string Key { get; } = key;

        /// <summary>A concrete topic's epoch since its first ack (null for patterns and before it); guarded by _gate.</summary>
        public string? Epoch { get; set; }

        /// <summary>The last offset handed to this topic's subscribers (or the ack's, when nothing was replayed); guarded by _gate.</summary>
        public long Offset { get; set; }

        public List<Subscriber> Subscribers { get; } = [];
        public TaskCompletionSource Acked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
