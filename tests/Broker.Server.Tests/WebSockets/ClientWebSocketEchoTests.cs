using System.Net.WebSockets;
using System.Text;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.WebSockets;

public sealed class ClientWebSocketEchoTests
{
    public static TheoryData<int, bool> Sizes()
    {
        var data = new TheoryData<int, bool>();
        foreach (var deflate in new[] { false, true })
        {
            foreach (var size in new[] { 0, 125, 126, 65535, 65536, 1 << 20 })
                data.Add(size, deflate);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task Echo_BinaryOfSize_ReturnsSameBytes(int size, bool deflate)
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await WebSocketClients.ConnectAsync(broker.Ws("/echo"), deflate);
        var payload = new byte[size];
        new Random(size).NextBytes(payload);

        await WebSocketClients.SendAsync(client, payload, WebSocketMessageType.Binary);
        var (type, echoed) = await WebSocketClients.ReceiveMessageAsync(client);

        Assert.Equal(WebSocketMessageType.Binary, type);
        Assert.Equal(payload, echoed);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Echo_MultiByteUtf8Text_ReturnsSameText(bool deflate)
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await WebSocketClients.ConnectAsync(broker.Ws("/echo"), deflate);
        var text = string.Concat(Enumerable.Repeat("ünïcödé — 你好 🌍 ", 500));

        await WebSocketClients.SendAsync(client, Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text);
        var (type, echoed) = await WebSocketClients.ReceiveMessageAsync(client);

        Assert.Equal(WebSocketMessageType.Text, type);
        Assert.Equal(text, Encoding.UTF8.GetString(echoed));
    }

    [Fact]
    public async Task Echo_FragmentedMessage_ReturnsReassembledMessage()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await WebSocketClients.ConnectAsync(broker.Ws("/echo"));
        var bytes = Encoding.UTF8.GetBytes("€uro split mid code point");
        using var timeout = new CancellationTokenSource(RawClient.Timeout);

        // Split inside the 3-byte '€' so the server must carry UTF-8 state across fragments.
        await client.SendAsync(bytes.AsMemory(0, 1), WebSocketMessageType.Text, endOfMessage: false, timeout.Token);
        await client.SendAsync(bytes.AsMemory(1, 5), WebSocketMessageType.Text, endOfMessage: false, timeout.Token);
        await client.SendAsync(bytes.AsMemory(6), WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
        var (_, echoed) = await WebSocketClients.ReceiveMessageAsync(client);

        Assert.Equal(bytes, echoed);
    }

    [Fact]
    public async Task Handshake_SubprotocolOffered_NegotiatesConfiguredOne()
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = new ClientWebSocket();
        client.Options.AddSubProtocol("other");
        client.Options.AddSubProtocol("broker.v1");
        using var timeout = new CancellationTokenSource(RawClient.Timeout);

        await client.ConnectAsync(broker.Ws(), timeout.Token);

        Assert.Equal("broker.v1", client.SubProtocol);
    }

    [Theory]
    [InlineData(WebSocketCloseStatus.NormalClosure)]
    [InlineData((WebSocketCloseStatus)4100)]
    [InlineData(WebSocketCloseStatus.EndpointUnavailable)]
    public async Task Close_ClientInitiated_ServerEchoesCode(WebSocketCloseStatus status)
    {
        await using var broker = await TestBroker.StartAsync();
        using var client = await WebSocketClients.ConnectAsync(broker.Ws("/echo"));
        using var timeout = new CancellationTokenSource(RawClient.Timeout);

        await client.CloseAsync(status, "bye", timeout.Token);

        Assert.Equal(WebSocketState.Closed, client.State);
        Assert.Equal(status, client.CloseStatus);
    }

    [Fact]
    public async Task Shutdown_OpenConnection_ClosedWith1001()
    {
        var broker = await TestBroker.StartAsync();
        using var client = await WebSocketClients.ConnectAsync(broker.Ws("/echo"));
        var receive = WebSocketClients.ReceiveMessageAsync(client);

        var stopping = broker.DisposeAsync().AsTask();
        var (type, _) = await receive;
        using var timeout = new CancellationTokenSource(RawClient.Timeout);
        await client.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "", timeout.Token);
        await stopping;

        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
    }
}
