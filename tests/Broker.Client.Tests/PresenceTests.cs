using System.Threading.Channels;
using Broker.Testing;

namespace Broker.Client.Tests;

/// <summary>
/// Presence against a real node (docs/protocol.md "Presence"): room.&gt; has presence and join-leave on, staff.&gt; has
/// presence for authenticated subscribers only, every other topic has it off. Anonymous connections are allowed; HMAC
/// tokens give users.
/// </summary>
public sealed class PresenceTests
{
    private const string Secret = "client-presence-hmac-secret-0123456789abcdef";
    private const string Room = "room.lobby";
    private static readonly TimeSpan Bound = Node.Bound;

    [Fact]
    public async Task Presence_AnonymousClientAndTokenUser_ListsBothAndStatsCountOneUser()
    {
        await using var node = await StartAsync();
        await using var ann = await ConnectAsync(node, "ann");
        await using var anonymous = await ConnectAsync(node);
        await using var observer = await ConnectAsync(node); // not subscribed: not in the room
        await using var annIn = await ann.SubscribeAsync(Room, _ => ValueTask.CompletedTask);
        await using var anonymousIn = await anonymous.SubscribeAsync(Room, _ => ValueTask.CompletedTask);

        var presence = await observer.PresenceAsync(Room);
        var stats = await observer.PresenceStatsAsync(Room);

        Assert.Equal(Room, presence.Topic);
        Assert.Equal([null, "ann"], presence.Clients.Select(m => m.User).Order());
        Assert.All(presence.Clients, m => Assert.Equal(32, m.Client.Length));
        Assert.Equal(2, presence.Clients.Select(m => m.Client).Distinct().Count());
        Assert.Equal(new PresenceStats(Room, Clients: 2, Users: 1), stats);
    }

    [Fact]
    public async Task JoinLeave_AnotherClientSubscribesUnsubscribesReturnsAndDisconnects_WatcherSeesEachInOrder()
    {
        await using var node = await StartAsync();
        await using var watcher = await ConnectAsync(node);
        var changes = Channel.CreateUnbounded<(string Kind, PresenceChange Change)>();
        watcher.Joined += c => changes.Writer.TryWrite(("join", c));
        watcher.Left += c => changes.Writer.TryWrite(("leave", c));
        await using var watching = await watcher.SubscribeAsync(Room, _ => ValueTask.CompletedTask);
        await using var bob = await ConnectAsync(node, "bob");

        var subscription = await bob.SubscribeAsync(Room, _ => ValueTask.CompletedTask);
        var joined = await NextAsync(changes);
        var present = await watcher.PresenceAsync(Room);
        await subscription.DisposeAsync();
        var left = await NextAsync(changes);
        await using var again = await bob.SubscribeAsync(Room, _ => ValueTask.CompletedTask);
        var rejoined = await NextAsync(changes);
        await bob.DisposeAsync(); // a disconnect, not an unsubscribe
        var disconnected = await NextAsync(changes);

        // The watcher's own join came before bob's and was not sent to it: the first event is bob's.
        Assert.Equal(["join", "leave", "join", "leave"], new[] { joined, left, rejoined, disconnected }.Select(e => e.Kind));
        var member = joined.Change.Member;
        Assert.Equal("bob", member.User);
        Assert.Contains(member, present.Clients);
        Assert.All(new[] { left, rejoined, disconnected }, e => Assert.Equal(new PresenceChange(Room, member), e.Change));
        Assert.Equal(new PresenceStats(Room, Clients: 1, Users: 0), await watcher.PresenceStatsAsync(Room));
    }

    [Theory]
    [InlineData("news.today", "not_available")] // presence off
    [InlineData("staff.lounge", "forbidden")] // presence on, but an anonymous client may not subscribe there
    public async Task Presence_Refused_FailsWithTheBrokersCode(string topic, string code)
    {
        await using var node = await StartAsync();
        await using var client = await ConnectAsync(node);

        var presence = await Assert.ThrowsAsync<BrokerException>(() => client.PresenceAsync(topic));
        var stats = await Assert.ThrowsAsync<BrokerException>(() => client.PresenceStatsAsync(topic));

        Assert.Equal((code, code), (presence.Code, stats.Code));
        Assert.Equal(BrokerConnectionState.Open, client.State);
    }

    [Fact]
    public async Task Presence_NotConnected_FailsWithNotConnected()
    {
        await using var client = new BrokerClient(new Uri("ws://127.0.0.1:9/ws"));

        var refused = await Assert.ThrowsAsync<BrokerException>(() => client.PresenceAsync(Room));

        Assert.Equal("not_connected", refused.Code);
    }

    private static Task<BrokerProcess> StartAsync() => Node.StartAsync("--config", Node.WriteConfig($$"""
        broker.namespaces.room { topics = "room.>", presence = on, join-leave = on }
        broker.namespaces.staff { topics = "staff.>", presence = on, subscribe = authenticated }
        broker.auth.jwt.hmac-secret = "{{Secret}}"
        """));

    // Anonymous without a user; otherwise with a token whose sub is the user.
    private static async Task<BrokerClient> ConnectAsync(BrokerProcess node, string? user = null)
    {
        var options = new BrokerClientOptions();
        if (user is not null)
            options.TokenProvider = _ => ValueTask.FromResult<string?>(HmacTokens.For(Secret, user));
        var client = Node.Client(node, options);
        await client.ConnectAsync().WaitAsync(Bound);
        return client;
    }

    private static async Task<(string Kind, PresenceChange Change)> NextAsync(Channel<(string, PresenceChange)> changes) =>
        await changes.Reader.ReadAsync().AsTask().WaitAsync(Bound);
}
