using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Broker.Testing;

/// <summary>
/// A minimal client of the /ws protocol (docs/protocol.md) for multi-process tests: one receive loop sorts what the
/// server sends into <c>message</c> frames and replies (<c>ack</c>/<c>error</c>), each awaited with a timeout.
/// </summary>
public sealed class BrokerClient : IAsyncDisposable
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly ClientWebSocket _socket = new();
    private readonly Channel<JsonElement> _messages = Channel.CreateUnbounded<JsonElement>();
    private readonly Channel<JsonElement> _replies = Channel.CreateUnbounded<JsonElement>();
    private readonly Channel<JsonElement> _presenceEvents = Channel.CreateUnbounded<JsonElement>();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource<WebSocketCloseStatus?> _closed =
        new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _nextId;
    private Task _receiving = Task.CompletedTask;

    private BrokerClient()
    {
    }

    /// <summary>Completes with the server's close code once the connection ends (null when it dropped without one).</summary>
    public Task<WebSocketCloseStatus?> Closed => _closed.Task;

    public static async Task<BrokerClient> ConnectAsync(Uri uri, TimeSpan? timeout = null)
    {
        var client = new BrokerClient();
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        await client._socket.ConnectAsync(uri, cancel.Token).ConfigureAwait(false);
        client._receiving = Task.Run(client.ReceiveLoopAsync);
        return client;
    }

    /// <summary>Sends <c>connect</c> with <paramref name="token"/> and returns the <c>connected</c> reply (docs/protocol.md).</summary>
    public async Task<JsonElement> AuthenticateAsync(string token)
    {
        var id = Interlocked.Increment(ref _nextId);
        await SendAsync($"{{\"type\":\"connect\",\"id\":{id},\"token\":{JsonSerializer.Serialize(token)}}}").ConfigureAwait(false);
        using var cancel = new CancellationTokenSource(DefaultTimeout);
        return await _replies.Reader.ReadAsync(cancel.Token).ConfigureAwait(false);
    }

    /// <summary>The next non-message frame (a reply or a server notice such as <c>unsubscribed</c>).</summary>
    public async Task<JsonElement> NextReplyAsync()
    {
        using var cancel = new CancellationTokenSource(DefaultTimeout);
        return await _replies.Reader.ReadAsync(cancel.Token).ConfigureAwait(false);
    }


    /// <summary>Subscribes and returns the ack; throws <see cref="BrokerErrorException"/> on an error reply.</summary>
    public Task<JsonElement> SubscribeAsync(string topic) => RequestAsync("subscribe", topic, null);

    /// <summary>Subscribes with <c>since</c> and returns the ack (with <c>recovered</c>); the replay follows as messages.</summary>
    public Task<JsonElement> SubscribeAsync(string topic, long sinceOffset, string sinceEpoch) =>
        RequestAsync("subscribe", topic, null, $",\"since\":{{\"offset\":{sinceOffset},\"epoch\":{JsonSerializer.Serialize(sinceEpoch)}}}");

    /// <summary>The <c>history</c> reply for <paramref name="topic"/> (the last <paramref name="limit"/> messages).</summary>
    public Task<JsonElement> HistoryAsync(string topic, int limit) =>
        RequestAsync("history", topic, null, $",\"limit\":{limit}");

    public Task UnsubscribeAsync(string topic) => RequestAsync("unsubscribe", topic, null);

    /// <summary>The <c>presence</c> reply: every client in <paramref name="topic"/> as (client, user or null).</summary>
    public async Task<IReadOnlyList<(string Client, string? User)>> PresenceAsync(string topic)
    {
        var reply = await RequestAsync("presence", topic, null).ConfigureAwait(false);
        return reply.GetProperty("clients").EnumerateArray()
            .Select(c => (c.GetProperty("client").GetString()!, c.GetProperty("user").GetString()))
            .ToList();
    }

    /// <summary>The <c>presence_stats</c> reply as (clients, users).</summary>
    public async Task<(long Clients, long Users)> PresenceStatsAsync(string topic)
    {
        var reply = await RequestAsync("presence_stats", topic, null).ConfigureAwait(false);
        return (reply.GetProperty("clients").GetInt64(), reply.GetProperty("users").GetInt64());
    }

    /// <summary>The next <c>join</c> or <c>leave</c> event the server sent.</summary>
    public async Task<JsonElement> NextPresenceEventAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            return await _presenceEvents.Reader.ReadAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no join or leave within {timeout ?? DefaultTimeout}");
        }
    }

    /// <summary>Publishes <paramref name="dataJson"/> (raw JSON) and returns the offset from the ack.</summary>
    public async Task<long> PublishAsync(string topic, string dataJson)
    {
        var ack = await RequestAsync("publish", topic, dataJson).ConfigureAwait(false);
        return ack.GetProperty("offset").GetInt64();
    }

    /// <summary>The next <c>message</c> (or <c>reset</c>) frame the server sent.</summary>
    public async Task<JsonElement> NextMessageAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            return await _messages.Reader.ReadAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no message within {timeout ?? DefaultTimeout}");
        }
        catch (ChannelClosedException)
        {
            throw new WebSocketException($"connection closed ({Closed.Result}) before the next message");
        }
    }

    /// <summary>
    /// The next <paramref name="count"/> messages as (topic, offset, raw data); a <c>reset</c> counts as one, with
    /// offset -1 and the new epoch as data.
    /// </summary>
    public async Task<IReadOnlyList<(string Topic, long Offset, string Data)>> NextMessagesAsync(int count,
        TimeSpan? timeout = null)
    {
        var received = new List<(string, long, string)>(count);
        while (received.Count < count)
        {
            var message = await NextMessageAsync(timeout).ConfigureAwait(false);
            received.Add(message.GetProperty("type").GetString() == "reset"
                ? (message.GetProperty("topic").GetString()!, -1, message.GetProperty("epoch").GetString()!)
                : (message.GetProperty("topic").GetString()!, message.GetProperty("offset").GetInt64(),
                    message.GetProperty("data").GetRawText()));
        }
        return received;
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancel.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The server is gone already; nothing to close politely.
            }
        }
        _socket.Abort();
        await _receiving.ConfigureAwait(false);
        _socket.Dispose();
    }

    private async Task<JsonElement> RequestAsync(string type, string topic, string? dataJson, string extra = "")
    {
        var id = Interlocked.Increment(ref _nextId);
        var json = new StringBuilder().Append("{\"type\":\"").Append(type).Append("\",\"id\":").Append(id)
            .Append(",\"topic\":").Append(JsonSerializer.Serialize(topic));
        if (dataJson is not null) json.Append(",\"data\":").Append(dataJson);
        json.Append(extra);
        await SendAsync(json.Append('}').ToString()).ConfigureAwait(false);

        using var cancel = new CancellationTokenSource(DefaultTimeout);
        try
        {
            // Requests are awaited one at a time per client in these tests, so the next reply is this request's.
            var reply = await _replies.Reader.ReadAsync(cancel.Token).ConfigureAwait(false);
            if (reply.GetProperty("id").GetInt32() != id)
                throw new InvalidOperationException($"reply {reply.GetRawText()} is not for request {id}");
            if (reply.GetProperty("type").GetString() == "error")
                throw new BrokerErrorException(reply.GetProperty("code").GetString()!, reply.GetRawText());
            return reply;
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no reply to {type} {topic} within {DefaultTimeout}");
        }
        catch (ChannelClosedException)
        {
            throw new WebSocketException($"connection closed ({Closed.Result}) before the reply to {type}");
        }
    }

    private async Task SendAsync(string json)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            using var cancel = new CancellationTokenSource(DefaultTimeout);
            await _socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, true, cancel.Token)
                .ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer.GetMemory(4096), CancellationToken.None).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close) break;
                buffer.Advance(result.Count);
                if (!result.EndOfMessage) continue;
                var frame = JsonDocument.Parse(buffer.WrittenMemory).RootElement.Clone();
                buffer.ResetWrittenCount();
                var channel = frame.GetProperty("type").GetString() switch
                {
                    "message" or "reset" => _messages,
                    "join" or "leave" => _presenceEvents,
                    _ => _replies,
                };
                channel.Writer.TryWrite(frame);
            }
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Dropped without a close handshake (a killed node): CloseStatus stays null.
        }
        _closed.TrySetResult(_socket.CloseStatus);
        _messages.Writer.TryComplete();
        _replies.Writer.TryComplete();
    }
}
