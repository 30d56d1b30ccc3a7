using System.Net.WebSockets;
using System.Text.Json;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.PubSub;

/// <summary>
/// docs/protocol.md over real sockets: commands, replies, topic messages, wildcards, every error code. Run once per
/// backplane (<see cref="PubSubProtocolTests"/>: in memory; <see cref="RedisPubSubProtocolTests"/>: a real redis-server),
/// since the server must behave the same on both.
/// </summary>
public abstract class PubSubProtocolContract
{
    /// <summary>A node on this class's backplane, with <paramref name="overrides"/> (HOCON) on top; offsets start at 1.</summary>
    protected abstract Task<TestBroker> StartBrokerAsync(string overrides = "");

    [Fact]
    public async Task Publish_SubscribedTopic_SubscriberGetsDataByteForByteWithOffset()
    {
        await using var broker = await StartBrokerAsync();
        await using var subscriber = await PubSubClient.ConnectAsync(broker);
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        var ack = await subscriber.SubscribeAsync("chat.lobby", id: 7);
        Assert.Equal(("ack", 7, "chat.lobby", 0L), (ack.GetProperty("type").GetString(), ack.GetProperty("id").GetInt32(),
            ack.GetProperty("topic").GetString(), ack.GetProperty("offset").GetInt64()));
        Assert.Equal(8, ack.GetProperty("epoch").GetString()!.Length);

        await publisher.SendAsync("""{"data": { "text" : "h\u00e9 \"x\"",  "n":[1, 2.50] },"topic":"chat.lobby","type":"publish","id":"p1"}""");

        Assert.Equal("""{"type":"ack","id":"p1","topic":"chat.lobby","offset":1}""", await publisher.ReceiveTextAsync());
        Assert.Equal("""{"type":"message","topic":"chat.lobby","offset":1,"data":{ "text" : "h\u00e9 \"x\"",  "n":[1, 2.50] }}""",
            await subscriber.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_PipelinedBehindOwnSubscribes_TakesEffectAfterThemInOrder()
    {
        await using var broker = await StartBrokerAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);

        // Sent back to back without waiting: each publish must still see the subscribes sent before it.
        await client.SendAsync("""{"type":"subscribe","id":1,"topic":"pipe.a"}""");
        await client.SendAsync("""{"type":"subscribe","id":2,"topic":"pipe.*"}""");
        await client.SendAsync("""{"type":"publish","id":3,"topic":"pipe.a","data":"first"}""");
        await client.SendAsync("""{"type":"publish","id":4,"topic":"pipe.a","data":"second"}""");

        var replies = new List<JsonElement>();
        for (var i = 0; i < 8; i++)
            replies.Add(await client.ReceiveAsync());
        var acks = replies.Where(r => r.GetProperty("type").GetString() == "ack")
            .Select(r => r.GetProperty("id").GetInt32()).ToArray();
        var messages = replies.Where(r => r.GetProperty("type").GetString() == "message")
            .Select(r => (r.GetProperty("offset").GetInt64(), r.GetProperty("data").GetString()!)).ToArray();
        Assert.Equal(new[] { 1, 2, 3, 4 }, acks.Order().ToArray());
        // Two matching subscriptions: each message arrives once per subscription, offsets in publish order.
        Assert.Equal(new[] { (1L, "first"), (1L, "first"), (2L, "second"), (2L, "second") }, messages.Order().ToArray());
    }

    [Fact]
    public async Task Publish_NoId_NoAckButDelivered()
    {
        await using var broker = await StartBrokerAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);
        await client.SubscribeAsync("a.b");

        await client.SendAsync("""{"type":"publish","topic":"a.b","data":1}""");
        await client.SendAsync("""{"type":"ping","id":2}""");

        // The publish sent no ack: the next messages are the topic message and the ping's ack, in some order.
        var types = new[] { await client.ReceiveAsync(), await client.ReceiveAsync() }
            .Select(m => m.GetProperty("type").GetString()!).Order().ToArray();
        Assert.Equal(new[] { "ack", "message" }, types);
    }

    [Fact]
    public async Task Ping_WithId_AckedWithIdOnly()
    {
        await using var broker = await StartBrokerAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);

        await client.SendAsync("""{"type":"ping"}""");
        await client.SendAsync("""{"type":"ping","id":"x"}""");

        Assert.Equal("""{"type":"ack","id":"x"}""", await client.ReceiveTextAsync());
    }

    [Theory]
    [InlineData("""{"type":"publish","id":5,"topic":"a",}""", "bad_json")]
    [InlineData("""[1,2]""", "bad_json")]
    [InlineData("""{"type":"subscribe","id":5}""", "bad_request")]
    [InlineData("""{"type":"publish","id":5,"topic":"a"}""", "bad_request")]
    [InlineData("""{"type":"publish","id":5,"topic":"a","topic":"b","data":1}""", "bad_request")]
    [InlineData("""{"type":"shout","id":5}""", "unknown_type")]
    [InlineData("""{"type":"subscribe","id":5,"topic":"a..b"}""", "bad_topic")]
    [InlineData("""{"type":"publish","id":5,"topic":"chat.*","data":1}""", "bad_topic")]
    public async Task InvalidCommand_ErrorWithCodeAndId_ConnectionStaysOpen(string command, string code)
    {
        await using var broker = await StartBrokerAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);

        await client.SendAsync(command);
        var error = await client.ReceiveAsync();

        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(code, error.GetProperty("code").GetString());
        if (code != "bad_json" || command.StartsWith('{'))
            Assert.Equal(5, error.GetProperty("id").GetInt32());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        await client.RequestAckAsync("""{"type":"ping","id":1}""");
    }

    [Fact]
    public async Task BinaryFrame_OnWs_ClosedWith1003()
    {
        await using var broker = await StartBrokerAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);

        await WebSocketClients.SendAsync(client.Socket, [1, 2, 3], WebSocketMessageType.Binary);

        Assert.Equal(WebSocketCloseStatus.InvalidMessageType, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task Unsubscribe_Subscribed_NoFurtherMessages()
    {
        await using var broker = await StartBrokerAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);
        await using var witness = await PubSubClient.ConnectAsync(broker);
        await client.SubscribeAsync("a.b");
        await witness.SubscribeAsync("a.b");

        var ack = await client.RequestAckAsync("""{"type":"unsubscribe","id":3,"topic":"a.b"}""");
        // Not PublishAsync: the witness is subscribed, and on Redis its own message may arrive before its publish ack.
        await witness.SendAsync("""{"type":"publish","id":1,"topic":"a.b","data":1}""");

        Assert.Equal("a.b", ack.GetProperty("topic").GetString());
        await AssertNothingQueuedAsync(client, witness);
    }

    [Fact]
    public async Task Unsubscribe_NotSubscribed_Acked()
    {
        await using var broker = await StartBrokerAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);

        var ack = await client.RequestAckAsync("""{"type":"unsubscribe","id":"u","topic":"never.held"}""");

        Assert.Equal("""{"type":"ack","id":"u","topic":"never.held"}""", ack.GetRawText());
    }

    [Fact]
    public async Task Subscribe_Twice_IdempotentOneMessageAndOneUnsubscribeReleases()
    {
        await using var broker = await StartBrokerAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);
        await using var witness = await PubSubClient.ConnectAsync(broker);
        // Publishes from a connection that is not subscribed: a subscribed publisher may get its own message before its
        // ack (on the Redis backplane it does; replies and messages are only ordered per kind, docs/protocol.md).
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        await client.SubscribeAsync("a.b");
        await client.SubscribeAsync("a.b", id: 2);
        await witness.SubscribeAsync("a.b");

        await publisher.PublishAsync("a.b", "1");
        Assert.Equal(("a.b", 1L, 1), Message(await client.ReceiveAsync()));
        await AssertNothingQueuedAsync(client, witness);

        await client.RequestAckAsync("""{"type":"unsubscribe","id":3,"topic":"a.b"}""");
        await publisher.PublishAsync("a.b", "2", id: 2);
        await AssertNothingQueuedAsync(client, witness);
    }

    // The witness subscribes to the client's topics: once it read a message, the topic actor had already handed the same
    // message to the client's actor, ahead of the ping sent now; so an ack first means the client got nothing more.
    private static async Task AssertNothingQueuedAsync(PubSubClient client, PubSubClient witness)
    {
        while ((await witness.ReceiveAsync()).GetProperty("type").GetString() != "message")
        {
        }
        await client.SendAsync("""{"type":"ping","id":"probe"}""");
        Assert.Equal("""{"type":"ack","id":"probe"}""", await client.ReceiveTextAsync());
    }

    [Fact]
    public async Task Wildcards_OneAndManySegments_DeliveredWithConcreteTopicAndItsOffsets()
    {
        await using var broker = await StartBrokerAsync();
        await using var star = await PubSubClient.ConnectAsync(broker);
        await using var rest = await PubSubClient.ConnectAsync(broker);
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        await star.SubscribeAsync("chat.*");
        await rest.SubscribeAsync("chat.>");

        await publisher.PublishAsync("chat.lobby", "1");
        await publisher.PublishAsync("chat.eu.lobby", "2");
        await publisher.PublishAsync("chat.lobby", "3");
        await publisher.PublishAsync("news.lobby", "4");

        Assert.Equal([("chat.lobby", 1L, 1), ("chat.lobby", 2L, 3)], [Message(await star.ReceiveAsync()), Message(await star.ReceiveAsync())]);
        // Order is promised per topic only: on Redis a topic first seen through a pattern may arrive after a later
        // publish to another topic (failed once that way under load).
        var received = new[] { Message(await rest.ReceiveAsync()), Message(await rest.ReceiveAsync()), Message(await rest.ReceiveAsync()) };
        Assert.Equal([("chat.lobby", 1L, 1), ("chat.lobby", 2L, 3)], received.Where(m => m.Topic == "chat.lobby"));
        Assert.Equal([("chat.eu.lobby", 1L, 2)], received.Where(m => m.Topic == "chat.eu.lobby"));
    }

    [Fact]
    public async Task ExactAndWildcard_BothHeld_MessageOncePerSubscription()
    {
        await using var broker = await StartBrokerAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);
        await client.SubscribeAsync("chat.lobby");
        await client.SubscribeAsync("chat.*", id: 2);

        await client.SendAsync("""{"type":"publish","topic":"chat.lobby","data":9}""");

        Assert.Equal(("chat.lobby", 1L, 9), Message(await client.ReceiveAsync()));
        Assert.Equal(("chat.lobby", 1L, 9), Message(await client.ReceiveAsync()));
    }

    [Fact]
    public async Task Deflate_Negotiated_SharedMessagesAndRepliesDecode()
    {
        await using var broker = await StartBrokerAsync();
        await using var subscriber = await PubSubClient.ConnectAsync(broker, deflate: true);
        await using var other = await PubSubClient.ConnectAsync(broker, deflate: true);
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        await subscriber.SubscribeAsync("big");
        await other.SubscribeAsync("big");
        var data = JsonSerializer.Serialize(string.Concat(Enumerable.Repeat("compress me ", 200)));

        await publisher.PublishAsync("big", data);
        await publisher.PublishAsync("big", data, id: 2);

        foreach (var client in new[] { subscriber, other, subscriber, other })
            Assert.Equal(data, (await client.ReceiveAsync()).GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task Handshake_DeflateOfferOnDefaults_AnsweredWithServerNoContextTakeover()
    {
        await using var broker = await StartBrokerAsync();
        await using var client = await RawClient.ConnectAsync(broker.Http);

        var head = await client.RequestAsync(
            $"GET /ws HTTP/1.1\r\nHost: {broker.Http.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" +
            "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n");

        // RFC 7692 §7.1.1.1: the server may add it unasked; shared frames are compressed once per node only then.
        Assert.Contains("Sec-WebSocket-Extensions: permessage-deflate; server_no_context_takeover\r\n", head);
    }

    private static (string Topic, long Offset, int Data) Message(JsonElement message)
    {
        Assert.Equal("message", message.GetProperty("type").GetString());
        return (message.GetProperty("topic").GetString()!, message.GetProperty("offset").GetInt64(),
            message.GetProperty("data").GetInt32());
    }
}
