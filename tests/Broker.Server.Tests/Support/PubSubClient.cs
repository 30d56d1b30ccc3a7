using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace Broker.Server.Tests.Support;

/// <summary>A client of the /ws protocol over a real ClientWebSocket: sends JSON commands, reads JSON replies.</summary>
public sealed class PubSubClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;

    private PubSubClient(ClientWebSocket socket) => _socket = socket;

    public ClientWebSocket Socket => _socket;

    public static async Task<PubSubClient> ConnectAsync(TestBroker broker, bool deflate = false) =>
        new(await WebSocketClients.ConnectAsync(broker.Ws(), deflate));

    /// <summary>Connects to <paramref name="uri"/> with options set by <paramref name="configure"/> (headers, TLS trust).</summary>
    public static async Task<PubSubClient> ConnectAsync(Uri uri, Action<ClientWebSocketOptions> configure)
    {
        var socket = new ClientWebSocket();
        configure(socket.Options);
        using var timeout = new CancellationTokenSource(RawClient.Timeout);
        await socket.ConnectAsync(uri, timeout.Token);
        return new PubSubClient(socket);
    }

    public Task SendAsync(string json) =>
        WebSocketClients.SendAsync(_socket, Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text);

    /// <summary>The next message's raw text (a reply or a topic message).</summary>
    public async Task<string> ReceiveTextAsync()
    {
        var (type, payload) = await WebSocketClients.ReceiveMessageAsync(_socket);
        Assert.Equal(WebSocketMessageType.Text, type);
        return Encoding.UTF8.GetString(payload);
    }

    public async Task<JsonElement> ReceiveAsync() => JsonDocument.Parse(await ReceiveTextAsync()).RootElement;

    /// <summary>Sends a command and returns the next message, asserting it is an ack.</summary>
    public async Task<JsonElement> RequestAckAsync(string json)
    {
        await SendAsync(json);
        var reply = await ReceiveAsync();
        Assert.True(reply.GetProperty("type").GetString() == "ack", $"expected an ack to {json}, got {reply}");
        return reply;
    }

    /// <summary>Sends a command and returns the next message, whatever it is (e.g. a history reply).</summary>
    public async Task<JsonElement> RequestAsync(string json)
    {
        await SendAsync(json);
        return await ReceiveAsync();
    }

    public Task<JsonElement> SubscribeAsync(string topic, int id = 1) =>
        RequestAckAsync($$"""{"type":"subscribe","id":{{id}},"topic":"{{topic}}"}""");

    public async Task<long> PublishAsync(string topic, string data, int id = 1) =>
        (await RequestAckAsync($$"""{"type":"publish","id":{{id}},"topic":"{{topic}}","data":{{data}}}"""))
        .GetProperty("offset").GetInt64();

    /// <summary>Reads until the server's Close and returns its status.</summary>
    public async Task<WebSocketCloseStatus?> ReceiveCloseAsync()
    {
        while (true)
        {
            var (type, _) = await WebSocketClients.ReceiveMessageAsync(_socket);
            if (type == WebSocketMessageType.Close)
                return _socket.CloseStatus;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            using var timeout = new CancellationTokenSource(RawClient.Timeout);
            try
            {
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The test is over; a server that already went away is not this helper's concern.
            }
        }
        _socket.Dispose();
    }
}
