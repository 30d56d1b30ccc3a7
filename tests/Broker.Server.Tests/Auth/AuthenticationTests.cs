using System.Net;
using System.Net.WebSockets;
using Broker.Server.Tests.Support;
using Microsoft.IdentityModel.Tokens;

namespace Broker.Server.Tests.Auth;

/// <summary>connect / connected / refresh and every 4003 / 4005 path, over real sockets with real tokens.</summary>
public sealed class AuthenticationTests : IClassFixture<TestKeysFixture>
{
    // A fast heartbeat tick (a quarter of 1s) so the deadline tests act quickly; ClientWebSocket answers the pings itself.
    private const string FastTick = "broker.websocket { ping-interval = 1s, idle-timeout = 8s }";

    private readonly TestKeys _keys;

    public AuthenticationTests(TestKeysFixture fixture) => _keys = fixture.Keys;

    private Task<TestBroker> StartAsync(string extra = "", string anonymous = "deny") =>
        TestBroker.StartAsync(_keys.Hocon(anonymous) + "\n" + extra);

    private static async Task<System.Text.Json.JsonElement> ConnectAsync(PubSubClient client, string token)
    {
        await client.SendAsync($$"""{"type":"connect","id":7,"token":"{{token}}"}""");
        return await client.ReceiveAsync();
    }

    public static TheoryData<string> Algorithms() =>
    [
        SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512,
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384,
    ];

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task Connect_ValidToken_RepliesConnectedWithClientUserAndExpires(string alg)
    {
        await using var broker = await StartAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);
        var credentials = alg[..2] switch
        {
            "HS" => TestKeys.Hmac(alg),
            "ES" => _keys.EcCredentials(alg),
            _ => _keys.RsaCredentials(alg),
        };

        var reply = await ConnectAsync(client, TestKeys.Token(credentials, "alice"));

        Assert.Equal("connected", reply.GetProperty("type").GetString());
        Assert.Equal(7, reply.GetProperty("id").GetInt32());
        Assert.Equal("alice", reply.GetProperty("user").GetString());
        Assert.Equal(32, reply.GetProperty("client").GetString()!.Length);
        Assert.InRange(reply.GetProperty("expires").GetInt64(),
            DateTimeOffset.UtcNow.AddMinutes(59).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(61).ToUnixTimeSeconds());
        await client.SubscribeAsync("chat.lobby");
    }

    [Fact]
    public async Task Connect_TwoConnections_GetDistinctClientIds()
    {
        await using var broker = await StartAsync();
        await using var a = await PubSubClient.ConnectAsync(broker);
        await using var b = await PubSubClient.ConnectAsync(broker);
        var token = TestKeys.Token(TestKeys.Hmac());

        var first = (await ConnectAsync(a, token)).GetProperty("client").GetString();
        var second = (await ConnectAsync(b, token)).GetProperty("client").GetString();

        Assert.NotEqual(first, second);
    }

    public enum BadToken { Expired, WrongSecret, AlgNone, AlgorithmConfusion, WrongAudience, WrongIssuer, NotYetValid, NoSub, Garbage }

    [Theory]
    [InlineData(BadToken.Expired)]
    [InlineData(BadToken.WrongSecret)]
    [InlineData(BadToken.AlgNone)]
    [InlineData(BadToken.AlgorithmConfusion)]
    [InlineData(BadToken.WrongAudience)]
    [InlineData(BadToken.WrongIssuer)]
    [InlineData(BadToken.NotYetValid)]
    [InlineData(BadToken.NoSub)]
    [InlineData(BadToken.Garbage)]
    public async Task Connect_InvalidToken_Closes4003(BadToken kind)
    {
        await using var broker = await StartAsync("broker.auth.jwt { audience = \"broker\", issuer = \"https://idp.test\" }");
        await using var client = await PubSubClient.ConnectAsync(broker);
        string Valid(SigningCredentials c, string sub = "alice", TimeSpan? lifetime = null, string? audience = "broker",
            string? issuer = "https://idp.test", DateTime? notBefore = null) =>
            TestKeys.Token(c, sub, lifetime, audience: audience, issuer: issuer, notBefore: notBefore);
        var token = kind switch
        {
            BadToken.Expired => Valid(TestKeys.Hmac(), lifetime: TimeSpan.FromMinutes(-2)),
            BadToken.WrongSecret => Valid(new SigningCredentials(new SymmetricSecurityKey(new byte[32]), SecurityAlgorithms.HmacSha256)),
            BadToken.AlgNone => TestKeys.Unsigned(),
            BadToken.AlgorithmConfusion => _keys.Confused(),
            BadToken.WrongAudience => Valid(TestKeys.Hmac(), audience: "other"),
            BadToken.WrongIssuer => Valid(TestKeys.Hmac(), issuer: "https://evil.test"),
            BadToken.NotYetValid => Valid(TestKeys.Hmac(), notBefore: DateTime.UtcNow.AddMinutes(10)),
            BadToken.NoSub => Valid(TestKeys.Hmac(), sub: ""),
            _ => "not-a-jwt",
        };

        await client.SendAsync($$"""{"type":"connect","id":1,"token":"{{token}}"}""");

        Assert.Equal((WebSocketCloseStatus)4003, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Subscribe_BeforeConnectWithAnonymousDenied_Closes4003()
    {
        await using var broker = await StartAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);

        await client.SendAsync("""{"type":"subscribe","id":1,"topic":"chat.lobby"}""");

        Assert.Equal((WebSocketCloseStatus)4003, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task NoConnect_WithinConnectTimeout_Closes4003()
    {
        await using var broker = await StartAsync($"{FastTick}\nbroker.auth.connect-timeout = 300ms");
        await using var client = await PubSubClient.ConnectAsync(broker);

        Assert.Equal((WebSocketCloseStatus)4003, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Anonymous_WhenAllowed_UsesTheBrokerWithoutConnect()
    {
        await using var broker = await StartAsync(anonymous: "allow");
        await using var client = await PubSubClient.ConnectAsync(broker);

        await client.SubscribeAsync("chat.lobby");
        Assert.Equal(1, await client.PublishAsync("chat.lobby", "1"));
    }

    [Fact]
    public async Task Refresh_SameSub_AcksWithTheNewExpires()
    {
        await using var broker = await StartAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);
        await ConnectAsync(client, TestKeys.Token(TestKeys.Hmac(), lifetime: TimeSpan.FromMinutes(5)));
        var later = DateTimeOffset.UtcNow.AddHours(2);

        var ack = await client.RequestAckAsync($$"""{"type":"refresh","id":"r1","token":"{{TestKeys.Token(_keys.RsaCredentials(), lifetime: TimeSpan.FromHours(2))}}"}""");

        Assert.Equal("r1", ack.GetProperty("id").GetString());
        Assert.InRange(ack.GetProperty("expires").GetInt64(), later.AddMinutes(-1).ToUnixTimeSeconds(), later.AddMinutes(1).ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Refresh_OtherSub_Closes4003()
    {
        await using var broker = await StartAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);
        await ConnectAsync(client, TestKeys.Token(TestKeys.Hmac(), "alice"));

        await client.SendAsync($$"""{"type":"refresh","id":2,"token":"{{TestKeys.Token(TestKeys.Hmac(), "mallory")}}"}""");

        Assert.Equal((WebSocketCloseStatus)4003, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Expiry_WithoutRefresh_Closes4005()
    {
        await using var broker = await StartAsync(FastTick);
        await using var client = await PubSubClient.ConnectAsync(broker);
        await ConnectAsync(client, TestKeys.Token(TestKeys.Hmac(), lifetime: TimeSpan.FromSeconds(2)));

        Assert.Equal((WebSocketCloseStatus)4005, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Expiry_AfterRefresh_KeepsTheConnectionOpen()
    {
        await using var broker = await StartAsync(FastTick);
        await using var client = await PubSubClient.ConnectAsync(broker);
        await ConnectAsync(client, TestKeys.Token(TestKeys.Hmac(), lifetime: TimeSpan.FromSeconds(2)));
        await client.RequestAckAsync($$"""{"type":"refresh","id":2,"token":"{{TestKeys.Token(TestKeys.Hmac())}}"}""");

        // The first token's expiry passes while ticks keep checking; pings from the client keep it alive meanwhile.
        var until = DateTime.UtcNow.AddSeconds(3);
        while (DateTime.UtcNow < until)
            await client.RequestAckAsync("""{"type":"ping","id":3}""");

        await client.SubscribeAsync("chat.lobby");
    }

    [Fact]
    public async Task Handshake_ValidBearerHeader_IsAuthenticatedWithoutConnect()
    {
        await using var broker = await StartAsync();
        var token = TestKeys.Token(_keys.EcCredentials());
        await using var client = await PubSubClient.ConnectAsync(broker.Ws(), o => o.SetRequestHeader("Authorization", $"Bearer {token}"));

        await client.SubscribeAsync("chat.lobby");
    }

    [Fact]
    public async Task Handshake_InvalidBearerHeader_Is401()
    {
        await using var broker = await StartAsync();
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("Authorization", $"Bearer {TestKeys.Unsigned()}");

        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(broker.Ws(), CancellationToken.None));

        Assert.Equal(HttpStatusCode.Unauthorized, socket.HttpStatusCode);
    }
}

/// <summary>One set of generated keys for the whole class (RSA generation is slow).</summary>
public sealed class TestKeysFixture : IDisposable
{
    public TestKeys Keys { get; } = new();

    public void Dispose() => Keys.Dispose();
}
