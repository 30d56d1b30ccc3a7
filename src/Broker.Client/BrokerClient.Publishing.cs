using System.Net.WebSockets;
using System.Text.Json;

namespace Broker.Client;

public sealed partial class BrokerClient
{
    // Publishes waiting for a connection, in call order; guarded by _gate. _direct: the resubscribes and the queue went
    // out on the current connection, so new publishes go straight to the socket.
    private readonly Queue<QueuedPublish> _queue = new();
    private bool _direct;

    /// <summary>
    /// Publishes <paramref name="data"/> (serialized with System.Text.Json) to a concrete topic and completes with the
    /// offset the broker gave it. While disconnected the publish waits in a bounded queue and goes out after the next
    /// connection resubscribed. Fails with <see cref="BrokerException"/> (the broker's code, or <c>queue_full</c>,
    /// <c>connection_lost</c>: sent but unanswered, it may or may not have been published; <c>closed</c>), or
    /// <see cref="TimeoutException"/> after <see cref="BrokerClientOptions.PublishTimeout"/>.
    /// </summary>
    public Task<PublishResult> PublishAsync<T>(string topic, T data, CancellationToken cancellationToken = default) =>
        PublishJsonAsync(topic, JsonSerializer.SerializeToUtf8Bytes(data), cancellationToken);

    /// <summary>Publishes <paramref name="utf8Json"/>, one JSON value in UTF-8, byte for byte (subscribers see exactly these bytes).</summary>
    public async Task<PublishResult> PublishJsonAsync(string topic, ReadOnlyMemory<byte> utf8Json, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        if (utf8Json.IsEmpty)
            throw new ArgumentException("data must be a JSON value", nameof(utf8Json));
        // Already cancelled: nothing is sent (otherwise whichever of the send and the cancellation finished first decided).
        cancellationToken.ThrowIfCancellationRequested();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.PublishTimeout);
        var publish = new QueuedPublish(topic, utf8Json);
        ClientWebSocket? socket;
        lock (_gate)
        {
            if (_disposed || (_state == BrokerConnectionState.Closed && _run is not null))
                throw BrokerException.Closed();
            socket = _direct ? _socket : null;
            if (socket is null)
            {
                if (_queue.Count >= _options.MaxQueuedPublishes)
                    throw new BrokerException("queue_full", $"{_options.MaxQueuedPublishes} publishes already wait for a connection");
                _queue.Enqueue(publish);
            }
        }
        if (socket is not null)
            _ = SendPublishAsync(socket, publish);
        try
        {
            var reply = await publish.Reply.Task.WaitAsync(deadline.Token).ConfigureAwait(false);
            return reply.GetProperty("type"u8).ValueEquals("ack"u8)
                ? new PublishResult(topic, reply.GetProperty("offset"u8).GetInt64())
                : throw ErrorOf(reply);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            publish.Abandoned = true;
            throw new TimeoutException($"the broker did not acknowledge the publish to {topic} within {_options.PublishTimeout}");
        }
        catch (OperationCanceledException)
        {
            publish.Abandoned = true; // still queued: the flush skips it; already sent: its ack is ignored
            throw;
        }
    }

    private async Task SendPublishAsync(ClientWebSocket socket, QueuedPublish publish)
    {
        try
        {
            publish.Reply.TrySetResult(await RequestAsync(socket, id => Commands.Publish(id, publish.Topic, publish.Data),
                CancellationToken.None).ConfigureAwait(false));
        }
        catch (BrokerException e)
        {
            publish.Reply.TrySetException(e);
        }
    }

    // Sends what queued while disconnected, in order, then lets publishes go straight out.
    private async Task FlushQueueAsync(ClientWebSocket socket)
    {
        while (true)
        {
            QueuedPublish publish;
            lock (_gate)
            {
                if (_socket != socket)
                    return; // the connection dropped again; the next one flushes
                if (!_queue.TryDequeue(out publish!))
                {
                    _direct = true;
                    return;
                }
            }
            if (!publish.Abandoned)
                _ = SendPublishAsync(socket, publish);
        }
    }

    private sealed class QueuedPublish(string topic, ReadOnlyMemory<byte> data)
    {
        public string Topic { get; } = topic;
        public ReadOnlyMemory<byte> Data { get; } = data;
        public TaskCompletionSource<JsonElement> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public volatile bool Abandoned;
    }
}
