using System.Net;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Http;

public sealed class HttpEndpointTests
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private static async Task<string> RawRequestAsync(TestBroker broker, string request)
    {
        await using var client = await RawClient.ConnectAsync(broker.Http);
        return await client.RequestAsync(request.Replace("HOST", broker.Http.Authority, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Healthz_RunningNode_Returns200Ok()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = new HttpClient { Timeout = RawClient.Timeout };

        var response = await http.GetAsync(new Uri(broker.Http, "/healthz"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/ws")]
    [InlineData("/echo")]
    public async Task PlainGet_WebSocketPath_Returns426WithUpgradeHeader(string path)
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = new HttpClient { Timeout = RawClient.Timeout };

        var response = await http.GetAsync(new Uri(broker.Http, path));

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Equal("websocket", response.Headers.Upgrade.ToString());
        Assert.NotEmpty(await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Post_WebSocketPath_Returns405()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = new HttpClient { Timeout = RawClient.Timeout };

        var response = await http.PostAsync(new Uri(broker.Http, "/ws"), new StringContent("x"));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Contains("GET", response.Content.Headers.Allow);
    }

    [Fact]
    public async Task Handshake_WrongVersion_Returns426WithVersion13()
    {
        await using var broker = await TestBroker.StartAsync();

        var head = await RawRequestAsync(broker, "GET /ws HTTP/1.1\r\nHost: HOST\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 8\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 426", head);
        Assert.Contains("Sec-WebSocket-Version: 13\r\n", head);
    }

    [Fact]
    public async Task Handshake_BadKey_Returns400()
    {
        await using var broker = await TestBroker.StartAsync();

        var head = await RawRequestAsync(broker, "GET /ws HTTP/1.1\r\nHost: HOST\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400", head);
    }

    [Fact]
    public async Task Handshake_HttpVersion10_Returns400()
    {
        await using var broker = await TestBroker.StartAsync();

        var head = await RawRequestAsync(broker, "GET /ws HTTP/1.0\r\nHost: HOST\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 400", head);
    }

    [Fact]
    public async Task Handshake_OriginNotAllowed_Returns403()
    {
        await using var broker = await TestBroker.StartAsync("broker.http.allowed-origins = [\"https://app.example\"]");

        var head = await RawRequestAsync(broker, "GET /ws HTTP/1.1\r\nHost: HOST\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\nOrigin: https://evil.example\r\n\r\n");

        Assert.StartsWith("HTTP/1.1 403", head);
    }

    [Fact]
    public async Task EchoEndpointOff_Echo_Returns404()
    {
        await using var broker = await TestBroker.StartAsync("broker.http.echo-endpoint = off");
        using var http = new HttpClient { Timeout = RawClient.Timeout };

        var response = await http.GetAsync(new Uri(broker.Http, "/echo"));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Handshake_ConnectionLimitReached_Returns503UntilOneCloses()
    {
        await using var broker = await TestBroker.StartAsync("broker.limits.max-connections = 1");
        await using var first = await RawClient.OpenAsync(broker.Http);

        var head = await RawRequestAsync(broker, "GET /echo HTTP/1.1\r\nHost: HOST\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            $"Sec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n");
        await first.SendFrameAsync(0x8, RawClient.ClosePayload(1000));
        Assert.True(await first.ServerClosedTcpAsync());

        Assert.StartsWith("HTTP/1.1 503", head);
        await WebSocketClients.AssertEchoWorksAsync(broker);
    }
}
