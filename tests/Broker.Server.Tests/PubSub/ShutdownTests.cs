using System.Net.Sockets;
using System.Net.WebSockets;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.PubSub;

/// <summary>Graceful shutdown: stop accepting, 1001 to every client after what was queued, bounded drain.</summary>
public sealed class ShutdownTests
{
    [Fact]
    public async Task Stop_SubscribedClients_QueuedMessagesThen1001AndStopOnceTheyClosed()
    {
        // A drain timeout far beyond the test's bound: stopping within the bound shows the node stopped because every
        // client finished its close handshake, not because the drain timed out. No wall-clock assertion.
        await using var broker = await TestBroker.StartAsync(
            "broker.shutdown.drain-timeout = 10m\nbroker.websocket.close-timeout = 2s");
        var clients = new List<PubSubClient>();
        for (var i = 0; i < 5; i++)
        {
            var client = await PubSubClient.ConnectAsync(broker);
            clients.Add(client);
            await client.SubscribeAsync("news");
        }
        await clients[0].PublishAsync("news", "\"last words\"");
        // Once the publisher reads its own copy, the topic actor has queued the others' copies ahead of the 1001.
        Assert.Equal("last words", (await clients[0].ReceiveAsync()).GetProperty("data").GetString());

        var stopping = broker.StopAsync();
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await clients[0].ReceiveCloseAsync());
        foreach (var client in clients.Skip(1))
        {
            Assert.Equal("last words", (await client.ReceiveAsync()).GetProperty("data").GetString());
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await client.ReceiveCloseAsync());
            await client.DisposeAsync();
        }
        await clients[0].DisposeAsync();
        await stopping.WaitAsync(TimeSpan.FromSeconds(120));
    }

    [Fact]
    public async Task Stop_ClientNeverAnswersClose_DroppedAfterCloseTimeoutAndNewHandshakesRefused()
    {
        await using var broker = await TestBroker.StartAsync(
            "broker.shutdown.drain-timeout = 20s\nbroker.websocket.close-timeout = 3s");
        await using var silent = await RawClient.OpenAsync(broker.Http, "/ws");

        var stopping = broker.StopAsync();
        Assert.Equal(1001, await silent.ReadCloseCodeAsync());

        // Still draining (the silent client holds its close handshake open): a new client gets no connection.
        Assert.False(stopping.IsCompleted);
        Assert.False(await HandshakeSucceedsAsync(broker));
        Assert.True(await silent.ServerClosedTcpAsync());
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));
    }

    // A refused TCP connection (Kestrel stopped listening) or a 503 (the request arrived as shutdown began) both mean "no".
    private static async Task<bool> HandshakeSucceedsAsync(TestBroker broker)
    {
        try
        {
            await using var client = await RawClient.ConnectAsync(broker.Http);
            var head = await client.RequestAsync(
                $"GET /ws HTTP/1.1\r\nHost: {broker.Http.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            return head.StartsWith("HTTP/1.1 101", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or EndOfStreamException)
        {
            return false;
        }
    }
}
