using System.Net.WebSockets;
using System.Text;

namespace Broker.Server.Tests.Support;

/// <summary>.NET ClientWebSocket helpers with every wait bounded.</summary>
public static class WebSocketClients
{
    public static async Task<ClientWebSocket> ConnectAsync(Uri uri, bool deflate = false)
    {
        var client = new ClientWebSocket();
        if (deflate)
            client.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        using var timeout = new CancellationTokenSource(RawClient.Timeout);
        await client.ConnectAsync(uri, timeout.Token);
        return client;
    }

    public static async Task<(WebSocketMessageType Type, byte[] Payload)> ReceiveMessageAsync(ClientWebSocket client)
    {
        using var timeout = new CancellationTokenSource(RawClient.Timeout);
        using var message = new MemoryStream();
        var buffer = new byte[1 << 16];
        while (true)
        {
            var result = await client.ReceiveAsync(buffer, timeout.Token);
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage)
                return (result.MessageType, message.ToArray());
        }
    }

    public static async Task SendAsync(ClientWebSocket client, byte[] payload, WebSocketMessageType type)
    {
        using var timeout = new CancellationTokenSource(RawClient.Timeout);
        await client.SendAsync(payload, type, endOfMessage: true, timeout.Token);
    }

    /// <summary>A fresh well-behaved connection still gets its message echoed: the node is unaffected.</summary>
    public static async Task AssertEchoWorksAsync(TestBroker broker, string path = "/echo")
    {
        using var client = await ConnectAsync(broker.Ws(path));
        var payload = Encoding.UTF8.GetBytes("still alive");
        await SendAsync(client, payload, WebSocketMessageType.Text);
        var (type, echoed) = await ReceiveMessageAsync(client);
        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal(payload, echoed);
        using var timeout = new CancellationTokenSource(RawClient.Timeout);
        await client.CloseAsync(WebSocketCloseStatus.NormalClosure, "", timeout.Token);
    }
}
