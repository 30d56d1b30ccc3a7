using System.Net.WebSockets;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Auth;

/// <summary>Per-command permissions from the namespaces and the token's grants, over real sockets.</summary>
public sealed class PermissionTests : IClassFixture<TestKeysFixture>
{
    private const string Namespaces = """
        broker.namespaces {
          default { subscribe = authenticated, publish = authenticated }
          priv { topics = "priv.>", subscribe = granted, publish = granted }
          inbox { topics = "user.{user}.>", subscribe = authenticated, publish = none }
          news { topics = "news.>", subscribe = anyone, publish = none }
        }
        """;

    private readonly TestKeys _keys;

    public PermissionTests(TestKeysFixture fixture) => _keys = fixture.Keys;

    private async Task<(TestBroker, PubSubClient)> ConnectedAsync(string anonymous = "allow", string? token = null)
    {
        var broker = await TestBroker.StartAsync(_keys.Hocon(anonymous) + "\n" + Namespaces);
        var client = await PubSubClient.ConnectAsync(broker);
        if (token is not null)
        {
            await client.SendAsync($$"""{"type":"connect","id":0,"token":"{{token}}"}""");
            Assert.Equal("connected", (await client.ReceiveAsync()).GetProperty("type").GetString());
        }
        return (broker, client);
    }

    private static async Task AssertForbiddenAsync(PubSubClient client, string command)
    {
        await client.SendAsync(command);
        var reply = await client.ReceiveAsync();
        Assert.True(reply.GetProperty("type").GetString() == "error" && reply.GetProperty("code").GetString() == "forbidden",
            $"expected forbidden for {command}, got {reply}");
    }

    private static string Subscribe(string topic) => $$"""{"type":"subscribe","id":1,"topic":"{{topic}}"}""";

    private static string Publish(string topic) => $$"""{"type":"publish","id":1,"topic":"{{topic}}","data":1}""";

    [Theory]
    [InlineData("priv.bob.inbox")]
    [InlineData("priv.*.inbox")]
    [InlineData("priv.>")]
    [InlineData(">")]
    [InlineData("user.bob.notes")]
    [InlineData("user.*.notes")]
    public async Task Subscribe_OutsideGrantOrOwnSpace_ForbiddenAndTheConnectionStaysOpen(string topic)
    {
        var token = TestKeys.Token(TestKeys.Hmac(), "alice", subscribe: ["priv.{user}.>"]);
        var (broker, client) = await ConnectedAsync(token: token);
        await using (broker)
        await using (client)
        {
            await AssertForbiddenAsync(client, Subscribe(topic));

            await client.SubscribeAsync("priv.alice.inbox");
            Assert.Equal(WebSocketState.Open, client.Socket.State);
        }
    }

    [Theory]
    [InlineData("priv.alice.*")]
    [InlineData("priv.alice.>")]
    [InlineData("user.alice.>")]
    [InlineData("news.>")]
    [InlineData("chat.*")]
    public async Task Subscribe_InsideGrantOrOwnSpace_IsAcked(string topic)
    {
        var token = TestKeys.Token(TestKeys.Hmac(), "alice", subscribe: ["priv.{user}.>"]);
        var (broker, client) = await ConnectedAsync(token: token);
        await using (broker)
        await using (client)
            await client.SubscribeAsync(topic);
    }

    [Fact]
    public async Task Publish_NamespaceNone_ForbiddenButTheServerApiStillPublishes()
    {
        var (broker, client) = await ConnectedAsync(token: TestKeys.Token(TestKeys.Hmac(), "alice"));
        await using (broker)
        await using (client)
        {
            await AssertForbiddenAsync(client, Publish("news.today"));
            await AssertForbiddenAsync(client, Publish("user.alice.inbox"));
            await AssertForbiddenAsync(client, Publish("priv.alice.x")); // no publish grant
            Assert.Equal(1, await client.PublishAsync("chat.lobby", "1"));
        }
    }

    [Fact]
    public async Task Publish_GrantedTopic_IsDeliveredToTheOwner()
    {
        var token = TestKeys.Token(TestKeys.Hmac(), "alice", subscribe: ["priv.{user}.>"], publish: ["priv.{user}.>"]);
        var (broker, client) = await ConnectedAsync(token: token);
        await using (broker)
        await using (client)
        {
            await client.SubscribeAsync("priv.alice.>");
            await client.SendAsync(Publish("priv.alice.notes"));

            var messages = new[] { await client.ReceiveAsync(), await client.ReceiveAsync() };
            Assert.Contains(messages, m => m.GetProperty("type").GetString() == "message");
        }
    }

    [Fact]
    public async Task Anonymous_AuthenticatedNamespace_ForbiddenButAnyoneNamespaceWorks()
    {
        var (broker, client) = await ConnectedAsync();
        await using (broker)
        await using (client)
        {
            await AssertForbiddenAsync(client, Subscribe("chat.lobby"));
            await AssertForbiddenAsync(client, Subscribe("user.alice.inbox"));
            await client.SubscribeAsync("news.>");
        }
    }

    [Fact]
    public async Task Refresh_WithNarrowerGrants_RemovesSubscriptionsNoLongerAllowed()
    {
        var token = TestKeys.Token(TestKeys.Hmac(), "alice", subscribe: ["priv.{user}.>"]);
        var (broker, client) = await ConnectedAsync(token: token);
        await using (broker)
        await using (client)
        {
            await client.SubscribeAsync("priv.alice.notes");
            await client.SubscribeAsync("chat.lobby", id: 2);

            await client.SendAsync($$"""{"type":"refresh","id":3,"token":"{{TestKeys.Token(TestKeys.Hmac(), "alice")}}"}""");

            var replies = new[] { await client.ReceiveAsync(), await client.ReceiveAsync() };
            Assert.Contains(replies, r => r.GetProperty("type").GetString() == "ack");
            Assert.Contains(replies, r => r.GetProperty("type").GetString() == "unsubscribed"
                                          && r.GetProperty("topic").GetString() == "priv.alice.notes");
            await client.RequestAckAsync("""{"type":"ping","id":4}""");
        }
    }
}
