using System.Text.Json;
using Broker.Server.Tests.Auth;
using Broker.Server.Tests.Support;
using Broker.Testing;

namespace Broker.Server.Tests.Presence;

/// <summary>
/// docs/protocol.md "Presence" over real sockets: presence, presence_stats, join and leave, not_available; run on the
/// embedded node and on Redis (subclasses). Anonymous connections are allowed and HMAC tokens give users.
/// </summary>
public abstract class PresenceProtocolContract
{
    protected const string Room = "chat.lobby";

    private static readonly string Chat = $$"""
        broker.namespaces.chat { topics = "chat.>", presence = on, join-leave = on }
        broker.auth.jwt.hmac-secret = "{{TestKeys.Secret}}"
        """;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    protected abstract Task<TestBroker> StartBrokerAsync(string overrides = "");

    [Fact]
    public async Task Presence_TwoClientsOneUser_ListsBothWithUserOrNullAndStatsCountDistinctUsers()
    {
        await using var broker = await StartBrokerAsync(Chat);
        await using var alice = await ConnectAsync(broker, "alice");
        await using var anonymous = await PubSubClient.ConnectAsync(broker);
        await using var aliceAgain = await ConnectAsync(broker, "alice");
        foreach (var client in new[] { alice, anonymous, aliceAgain })
            await client.SubscribeAsync(Room);
        await using var observer = await PubSubClient.ConnectAsync(broker); // not subscribed: gets no join events

        var presence = await observer.RequestAsync($$"""{"type":"presence","id":5,"topic":"{{Room}}"}""");
        var stats = await observer.RequestAsync($$"""{"type":"presence_stats","id":6,"topic":"{{Room}}"}""");

        Assert.Equal(("presence", 5, Room), (presence.GetProperty("type").GetString(), presence.GetProperty("id").GetInt32(),
            presence.GetProperty("topic").GetString()));
        var users = presence.GetProperty("clients").EnumerateArray()
            .Select(c => c.GetProperty("user").ValueKind == JsonValueKind.Null ? "(null)" : c.GetProperty("user").GetString()!)
            .Order().ToArray();
        Assert.Equal(["(null)", "alice", "alice"], users);
        Assert.Equal(3, presence.GetProperty("clients").EnumerateArray().Select(c => c.GetProperty("client").GetString()).Distinct().Count());
        Assert.Equal(("presence_stats", 3, 1), (stats.GetProperty("type").GetString(), stats.GetProperty("clients").GetInt32(),
            stats.GetProperty("users").GetInt32()));
    }

    [Fact]
    public async Task JoinLeave_OtherClientSubscribesThenUnsubscribesThenReturnsAndDisconnects_EventsInOrderAndNoneAboutItself()
    {
        await using var broker = await StartBrokerAsync(Chat);
        await using var watcher = await PubSubClient.ConnectAsync(broker);
        await watcher.SubscribeAsync(Room);
        await using var bob = await ConnectAsync(broker, "bob");

        await bob.SubscribeAsync(Room);
        // bob's own join is not sent to bob: the next frame bob gets is its own publish.
        await bob.SendAsync($$"""{"type":"publish","topic":"{{Room}}","data":"hi"}""");
        Assert.Equal("message", (await bob.ReceiveAsync()).GetProperty("type").GetString());
        await bob.RequestAckAsync($$"""{"type":"unsubscribe","id":2,"topic":"{{Room}}"}""");
        await bob.SubscribeAsync(Room, id: 3);
        await bob.DisposeAsync();

        var events = new List<JsonElement>();
        while (events.Count < 5)
            events.Add(await watcher.ReceiveAsync());
        Assert.Equal(["join", "message", "leave", "join", "leave"], events.Select(e => e.GetProperty("type").GetString()));
        var presenceEvents = events.Where(e => e.GetProperty("type").GetString() != "message").ToList();
        Assert.All(presenceEvents, e => Assert.Equal((Room, "bob"), (e.GetProperty("topic").GetString(), e.GetProperty("user").GetString())));
        Assert.Single(presenceEvents.Select(e => e.GetProperty("client").GetString()).Distinct());
    }

    [Fact]
    public async Task Stats_AfterClientsLeave_CountsFollow()
    {
        await using var broker = await StartBrokerAsync(Chat);
        await using var observer = await PubSubClient.ConnectAsync(broker);
        var clients = new List<PubSubClient>();
        foreach (var user in new[] { "ann", "ann", "ben", "cy" })
        {
            var client = await ConnectAsync(broker, user);
            await client.SubscribeAsync(Room);
            clients.Add(client);
        }
        Assert.Equal((4, 3), await StatsAsync(observer));

        await clients[0].DisposeAsync();
        await clients[2].DisposeAsync();

        await Eventually.TrueAsync(async () => await StatsAsync(observer) == (2, 2), Patience, "2 clients and 2 users left");
        await clients[1].DisposeAsync();
        await clients[3].DisposeAsync();
        await Eventually.TrueAsync(async () => await StatsAsync(observer) == (0, 0), Patience, "the room empty");
    }

    [Fact]
    public async Task JoinLeave_RoomAboveCap_NoEvents()
    {
        await using var broker = await StartBrokerAsync(Chat + "\nbroker.namespaces.chat.join-leave-max-subscribers = 1");
        await using var watcher = await PubSubClient.ConnectAsync(broker);
        await watcher.SubscribeAsync(Room);
        await using var other = await PubSubClient.ConnectAsync(broker);

        await other.SubscribeAsync(Room);
        // Not awaited as a request: a subscribed publisher may see its own message before its ack (docs/protocol.md).
        await other.SendAsync($$"""{"type":"publish","id":1,"topic":"{{Room}}","data":1}""");

        Assert.Equal("message", (await watcher.ReceiveAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Presence_NamespaceWithPresenceOff_NotAvailable()
    {
        await using var broker = await StartBrokerAsync(Chat);
        await using var client = await PubSubClient.ConnectAsync(broker);

        var presence = await client.RequestAsync("""{"type":"presence","id":1,"topic":"news.today"}""");
        var stats = await client.RequestAsync("""{"type":"presence_stats","id":2,"topic":"news.today"}""");

        Assert.All([presence, stats], e => Assert.Equal(("error", "not_available"),
            (e.GetProperty("type").GetString(), e.GetProperty("code").GetString())));
    }

    [Fact]
    public async Task Presence_Wildcard_BadRequest()
    {
        await using var broker = await StartBrokerAsync(Chat);
        await using var client = await PubSubClient.ConnectAsync(broker);

        var error = await client.RequestAsync("""{"type":"presence","id":1,"topic":"chat.*"}""");

        Assert.Equal(("error", "bad_request"), (error.GetProperty("type").GetString(), error.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Presence_WithoutSubscribePermission_Forbidden()
    {
        await using var broker = await StartBrokerAsync(Chat + "\nbroker.namespaces.chat.subscribe = authenticated");
        await using var client = await PubSubClient.ConnectAsync(broker);

        var error = await client.RequestAsync($$"""{"type":"presence_stats","id":1,"topic":"{{Room}}"}""");

        Assert.Equal(("error", "forbidden"), (error.GetProperty("type").GetString(), error.GetProperty("code").GetString()));
    }

    protected static async Task<PubSubClient> ConnectAsync(TestBroker broker, string user)
    {
        var client = await PubSubClient.ConnectAsync(broker);
        var reply = await client.RequestAsync($$"""{"type":"connect","id":0,"token":"{{TestKeys.Token(TestKeys.Hmac(), user)}}"}""");
        Assert.Equal("connected", reply.GetProperty("type").GetString());
        return client;
    }

    private static async Task<(int Clients, int Users)> StatsAsync(PubSubClient client)
    {
        var stats = await client.RequestAsync($$"""{"type":"presence_stats","id":9,"topic":"{{Room}}"}""");
        return (stats.GetProperty("clients").GetInt32(), stats.GetProperty("users").GetInt32());
    }
}
