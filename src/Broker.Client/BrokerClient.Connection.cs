using System.Buffers;
using System.Net;
using System.Net.WebSockets;
using System.Text.Json;

namespace Broker.Client;

public sealed partial class BrokerClient
{
    private const string Subprotocol = "broker.v1";

    // The run loop: connect, resubscribe, flush queued publishes, read until the connection ends, back off, repeat.
    private async Task RunAsync()
    {
        var token = _lifetime.Token;
        var random = new Random();
        var attempt = 0;
        while (!token.IsCancellationRequested && !IsDisposed())
        {
            ClientWebSocket socket;
            string? bearer;
            try
            {
                (socket, bearer) = await OpenSocketAsync(token).ConfigureAwait(false);
            }
            catch (BrokerException refused)
            {
                Finish(refused);
                return;
            }
            catch (Exception e) when (!token.IsCancellationRequested)
            {
                Report(e);
                if (!await BackOffAsync(attempt++, random, token).ConfigureAwait(false))
                    break;
                continue;
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var openedAt = DateTime.UtcNow;
            var close = await ServeAsync(socket, bearer, token).ConfigureAwait(false);
            if (token.IsCancellationRequested || IsDisposed())
                break;
            if (!CloseCodes.ShouldReconnect(close))
            {
                Finish(CloseCodes.Final(close));
                return;
            }
            if (DateTime.UtcNow - openedAt >= _options.StableAfter)
                attempt = 0;
            if (!await BackOffAsync(attempt++, random, token).ConfigureAwait(false))
                break;
        }
    }

    private async Task<bool> BackOffAsync(int attempt, Random random, CancellationToken token)
    {
        lock (_gate)
        {
            if (_disposed)
                return false;
            SetState(_state == BrokerConnectionState.Connecting ? BrokerConnectionState.Connecting : BrokerConnectionState.Reconnecting);
        }
        try
        {
            await Task.Delay(Backoff.Delay(attempt, _options.ReconnectBaseDelay, _options.ReconnectMaxDelay, random), token)
                .ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // The socket, and the bearer token it authenticated with (null: anonymous), which the refresh loop renews.
    private async Task<(ClientWebSocket, string?)> OpenSocketAsync(CancellationToken token)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(Subprotocol);
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.KeepAliveInterval = _options.KeepAliveInterval;
        socket.Options.KeepAliveTimeout = _options.KeepAliveTimeout;
        if (_options.Compression)
            socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        foreach (var (name, value) in _options.Headers)
            socket.Options.SetRequestHeader(name, value);
        var bearer = _options.TokenProvider is { } tokens ? await tokens(token).ConfigureAwait(false) : null;
        if (bearer is { Length: > 0 })
            socket.Options.SetRequestHeader("Authorization", $"Bearer {bearer}");
        try
        {
            await socket.ConnectAsync(_uri, token).ConfigureAwait(false);
            return (socket, bearer is { Length: > 0 } ? bearer : null);
        }
        catch (WebSocketException e) when (IsFinalRefusal(socket.HttpStatusCode))
        {
            socket.Dispose();
            throw new BrokerException("handshake_rejected", $"the broker refused the WebSocket handshake with {(int)socket.HttpStatusCode}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // A 4xx answer (forbidden origin, bad credentials, wrong path) repeats on every retry; 408/429 and 5xx may not.
    private static bool IsFinalRefusal(HttpStatusCode status) =>
        (int)status is >= 400 and < 500 && status is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);

    // One connection's life; returns the broker's close code, or null when the connection dropped without one (1006).
    private async Task<int?> ServeAsync(ClientWebSocket socket, string? bearer, CancellationToken token)
    {
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(token);
        List<TopicEntry> entries;
        lock (_gate)
        {
            _socket = socket;
            _direct = false; // publishes queue until the resubscribes are out
            _lastOffsets.Clear(); // offsets are compared within one connection (a restarted backplane may start again at 1)
            entries = [.. _topics.Values];
            SetState(BrokerConnectionState.Open);
            _opened?.TrySetResult();
        }
        var receive = ReceiveAsync(socket, token);
        foreach (var entry in entries)
            _ = SubscribeOnWireAsync(socket, entry);
        await FlushQueueAsync(socket).ConfigureAwait(false);
        if (bearer is not null)
            _ = RefreshTokensAsync(socket, bearer, connection.Token);
        var close = await receive.ConfigureAwait(false);
        await connection.CancelAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _socket = null;
            _direct = false;
        }
        foreach (var id in _pending.Keys)
            if (_pending.TryRemove(id, out var request))
                request.Reply.TrySetException(BrokerException.ConnectionLost());
        socket.Dispose();
        return close;
    }

    private async Task<int?> ReceiveAsync(ClientWebSocket socket, CancellationToken token)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            while (true)
            {
                var length = 0;
                ValueWebSocketReceiveResult result;
                do
                {
                    if (length == buffer.Length)
                    {
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, length).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }
                    result = await socket.ReceiveAsync(buffer.AsMemory(length), token).ConfigureAwait(false);
                    length += result.Count;
                } while (!result.EndOfMessage);

                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await AnswerCloseAsync(socket).ConfigureAwait(false);
                    return (int?)socket.CloseStatus;
                }
                await HandleAsync(buffer.AsMemory(0, length)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task AnswerCloseAsync(ClientWebSocket socket)
    {
        if (socket.State != WebSocketState.CloseReceived)
            return;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await socket.CloseOutputAsync(socket.CloseStatus ?? WebSocketCloseStatus.NormalClosure, "", timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The broker closes TCP first anyway.
        }
    }

    private async ValueTask HandleAsync(ReadOnlyMemory<byte> frame)
    {
        JsonElement root;
        using (var document = JsonDocument.Parse(frame))
            root = document.RootElement.Clone();
        var type = root.TryGetProperty("type"u8, out var t) ? t.GetString() : null;
        switch (type)
        {
            case "message":
                await DispatchAsync(MessageOf(root)).ConfigureAwait(false);
                return;
            case "reset":
                OnReset(root.GetProperty("topic"u8).GetString()!, root.GetProperty("epoch"u8).GetString()!);
                return;
            case "unsubscribed":
                OnUnsubscribed(root.GetProperty("topic"u8).GetString()!);
                return;
            case "join" or "leave":
                OnPresenceChanged(type == "join", root);
                return;
        }
        if (root.TryGetProperty("id"u8, out var id) && id.TryGetInt64(out var requestId) && _pending.TryRemove(requestId, out var request))
        {
            // Runs here, in the receive loop, before the frames that follow the reply (a recovering ack's replay).
            request.OnReply?.Invoke(root);
            request.Reply.TrySetResult(root);
            return;
        }
        if (type == "error")
            Report(ErrorOf(root));
    }

    private static BrokerMessage MessageOf(JsonElement frame) => new(
        frame.GetProperty("topic"u8).GetString()!,
        frame.GetProperty("offset"u8).GetInt64(),
        frame.GetProperty("data"u8));

    private static BrokerException ErrorOf(JsonElement reply) => new(
        reply.TryGetProperty("code"u8, out var code) ? code.GetString() ?? "error" : "error",
        reply.TryGetProperty("message"u8, out var message) ? message.GetString() ?? "" : "");

    // Sends a request with a fresh id and returns its reply (ack or error); fails with connection_lost if the connection
    // drops first. onReply, if given, sees the reply in the receive loop, before any frame the broker sent after it.
    private async Task<JsonElement> RequestAsync(ClientWebSocket socket, Func<long, byte[]> command,
        CancellationToken cancellationToken, Action<JsonElement>? onReply = null)
    {
        var id = NextId();
        var request = new PendingRequest(onReply);
        _pending[id] = request;
        try
        {
            await SendAsync(socket, command(id), cancellationToken).ConfigureAwait(false);
            return await request.Reply.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            throw BrokerException.ConnectionLost();
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    // A request that is not queued while disconnected (not_connected instead), answered by a frame of its own type or an
    // error (thrown as the broker's code).
    private async Task<JsonElement> QueryAsync(string type, Func<long, byte[]> command, CancellationToken cancellationToken)
    {
        ClientWebSocket socket;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            socket = _socket ?? throw new BrokerException("not_connected", $"{type} needs an open connection");
        }
        var reply = await RequestAsync(socket, command, cancellationToken).ConfigureAwait(false);
        return reply.GetProperty("type"u8).ValueEquals(type) ? reply : throw ErrorOf(reply);
    }

    private readonly SemaphoreSlim _sendLock = new(1, 1);

    private async Task SendAsync(ClientWebSocket socket, byte[] frame, CancellationToken cancellationToken)
    {
        // One writer at a time: ClientWebSocket allows a single outstanding send.
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private bool IsDisposed()
    {
        lock (_gate) return _disposed;
    }

    // The client is closed for good: fail what waits, end every subscription's stream.
    private void Finish(BrokerException? error)
    {
        List<QueuedPublish> queued;
        List<Subscriber> subscribers;
        lock (_gate)
        {
            SetState(BrokerConnectionState.Closed);
            _opened?.TrySetException(error ?? BrokerException.Closed());
            queued = [.. _queue];
            _queue.Clear();
            subscribers = [.. _topics.Values.SelectMany(entry => entry.Subscribers)];
            foreach (var entry in _topics.Values)
                entry.Acked.TrySetException(error ?? BrokerException.Closed());
        }
        foreach (var publish in queued)
            publish.Reply.TrySetException(error ?? BrokerException.Closed());
        foreach (var id in _pending.Keys)
            if (_pending.TryRemove(id, out var request))
                request.Reply.TrySetException(error ?? BrokerException.Closed());
        foreach (var subscriber in subscribers)
            subscriber.Buffer.Writer.TryComplete(error);
    }

    private sealed class PendingRequest(Action<JsonElement>? onReply)
    {
        public TaskCompletionSource<JsonElement> Reply { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public Action<JsonElement>? OnReply { get; } = onReply;
    }
}
