using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Auth;

/// <summary>broker.http.admin-key guards stats, topics, nodes and the user operations; user operations act on live sockets.</summary>
public sealed class AdminApiTests : IClassFixture<TestKeysFixture>
{
    private const string AdminKey = "admin-key-for-tests";
    private readonly TestKeys _keys;

    public AdminApiTests(TestKeysFixture fixture) => _keys = fixture.Keys;

    private Task<TestBroker> StartAsync() =>
        TestBroker.StartAsync(_keys.Hocon("allow") + $"\nbroker.http.admin-key = \"{AdminKey}\"");

    private static HttpClient Admin(TestBroker broker, string? key = AdminKey)
    {
        var http = new HttpClient { BaseAddress = broker.Http, Timeout = TimeSpan.FromSeconds(15) };
        if (key is not null)
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    [Theory]
    [InlineData("/api/stats")]
    [InlineData("/api/topics")]
    [InlineData("/api/nodes")]
    public async Task AdminEndpoint_WithoutOrWithWrongKey_Is401AndWithKey200(string path)
    {
        await using var broker = await StartAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await Admin(broker, null).GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Admin(broker, "wrong").GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Admin(broker).GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Health_StaysOpenWithAdminKeySet()
    {
        await using var broker = await StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await Admin(broker, null).GetAsync("/healthz")).StatusCode);
    }

    [Fact]
    public async Task AdminEndpoints_NoAdminKeyConfigured_StatsOpenUserOperationsDisabled()
    {
        await using var broker = await TestBroker.StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await Admin(broker, null).GetAsync("/api/stats")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Admin(broker, null).PostAsync("/api/users/alice/disconnect", null)).StatusCode);
    }

    [Fact]
    public async Task DisconnectUser_ClosesEveryConnectionOfThatUserWith4006Only()
    {
        await using var broker = await StartAsync();
        await using var alice1 = await ConnectAsAsync(broker, "alice");
        await using var alice2 = await ConnectAsAsync(broker, "alice");
        await using var bob = await ConnectAsAsync(broker, "bob");

        var response = await Admin(broker).PostAsync("/api/users/alice/disconnect", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal((WebSocketCloseStatus)4006, await alice1.ReceiveCloseAsync());
        Assert.Equal((WebSocketCloseStatus)4006, await alice2.ReceiveCloseAsync());
        await bob.RequestAckAsync("""{"type":"ping","id":1}""");
    }

    [Fact]
    public async Task UnsubscribeUser_RemovesTheSubscriptionAndTellsTheClient()
    {
        await using var broker = await StartAsync();
        await using var alice = await ConnectAsAsync(broker, "alice");
        await alice.SubscribeAsync("chat.lobby");

        var response = await Admin(broker).PostAsync("/api/users/alice/unsubscribe",
            new StringContent("""{"topic":"chat.lobby"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var notice = await alice.ReceiveAsync();
        Assert.Equal("unsubscribed", notice.GetProperty("type").GetString());
        Assert.Equal("chat.lobby", notice.GetProperty("topic").GetString());
        // Nothing published on the topic reaches alice any more: her next message is her own ping's ack.
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        await publisher.PublishAsync("chat.lobby", "1");
        await alice.RequestAckAsync("""{"type":"ping","id":2}""");
    }

    private static async Task<PubSubClient> ConnectAsAsync(TestBroker broker, string user)
    {
        var client = await PubSubClient.ConnectAsync(broker);
        await client.SendAsync($$"""{"type":"connect","id":0,"token":"{{TestKeys.Token(TestKeys.Hmac(), user)}}"}""");
        Assert.Equal("connected", (await client.ReceiveAsync()).GetProperty("type").GetString());
        return client;
    }
}
