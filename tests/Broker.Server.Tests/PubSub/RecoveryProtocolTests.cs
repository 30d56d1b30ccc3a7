using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.PubSub;

// docs/protocol.md, "History and recovery", on the embedded node.
public class RecoveryProtocolTests
{
    private const string Small = "broker.namespaces.default.history.size = 5";

    [Fact]
    public async Task Subscribe_SinceWithinHistory_AckRecoveredThenMissedMessagesThenLive()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        string epoch;
        await using (var first = await PubSubClient.ConnectAsync(broker))
        {
            epoch = (await first.SubscribeAsync("room")).GetProperty("epoch").GetString()!;
            await PublishAsync(publisher, "room", 1, 3);
            Assert.Equal([1L, 2, 3], await OffsetsAsync(first, 3));
        }
        await PublishAsync(publisher, "room", 4, 7);

        await using var again = await PubSubClient.ConnectAsync(broker);
        var ack = await again.RequestAckAsync(Since("room", 3, epoch));
        await PublishAsync(publisher, "room", 8, 8);

        Assert.Equal((true, epoch, 7L), (ack.GetProperty("recovered").GetBoolean(), ack.GetProperty("epoch").GetString(),
            ack.GetProperty("offset").GetInt64()));
        Assert.Equal([4L, 5, 6, 7, 8], await OffsetsAsync(again, 5));
    }

    [Fact]
    public async Task Subscribe_SinceAnotherEpoch_RecoveredFalseWithCurrentPositionAndNoReplay()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        await PublishAsync(publisher, "room", 1, 4);

        var ack = await client.RequestAckAsync(Since("room", 2, "otherepo"));
        await PublishAsync(publisher, "room", 5, 5);

        Assert.False(ack.GetProperty("recovered").GetBoolean());
        Assert.Equal(4, ack.GetProperty("offset").GetInt64());
        Assert.Equal([5L], await OffsetsAsync(client, 1));
    }

    [Fact]
    public async Task Subscribe_SinceOlderThanHistoryKeeps_RecoveredFalse()
    {
        await using var broker = await TestBroker.StartAsync(Small);
        await using var client = await PubSubClient.ConnectAsync(broker);
        var epoch = (await client.RequestAsync("""{"type":"history","id":1,"topic":"room"}""")).GetProperty("epoch");
        await PublishAsync(client, "room", 1, 9);

        var ack = await client.RequestAckAsync(Since("room", 2, epoch.GetString()!));

        Assert.False(ack.GetProperty("recovered").GetBoolean());
        Assert.Equal(9, ack.GetProperty("offset").GetInt64());
    }

    [Fact]
    public async Task Subscribe_WildcardWithSince_BadRequest()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);

        await client.SendAsync(Since("room.*", 1, "abcdefgh"));
        var error = await client.ReceiveAsync();

        Assert.Equal(("error", "bad_request"), (error.GetProperty("type").GetString(), error.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task History_LastAndSince_AscendingWithEpochAndLatestOffset()
    {
        await using var broker = await TestBroker.StartAsync(Small);
        await using var client = await PubSubClient.ConnectAsync(broker);
        await PublishAsync(client, "room", 1, 8);

        var last = await client.RequestAsync("""{"type":"history","id":"h","topic":"room","limit":3}""");
        var all = await client.RequestAsync("""{"type":"history","id":2,"topic":"room","limit":100}""");
        var epoch = last.GetProperty("epoch").GetString();
        var since = await client.RequestAsync($$$"""{"type":"history","id":3,"topic":"room","since":{"offset":6,"epoch":"{{{epoch}}}"}}""");

        Assert.Equal(("h", 8L), (last.GetProperty("id").GetString(), last.GetProperty("offset").GetInt64()));
        Assert.Equal([6L, 7, 8], Offsets(last));
        Assert.Equal([4L, 5, 6, 7, 8], Offsets(all)); // history.size = 5
        Assert.Equal([7L, 8], Offsets(since));
        Assert.Equal("""{"n":8}""", last.GetProperty("messages")[2].GetProperty("data").GetRawText());
    }

    [Fact]
    public async Task History_Wildcard_BadTopic()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);

        await client.SendAsync("""{"type":"history","id":1,"topic":"room.>"}""");

        Assert.Equal("bad_topic", (await client.ReceiveAsync()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task ApiHistory_WithKey_SameAnswerAsTheHistoryCommand()
    {
        await using var broker = await TestBroker.StartAsync("broker.http.api-key = k1");
        await using var client = await PubSubClient.ConnectAsync(broker);
        await PublishAsync(client, "room", 1, 3);
        using var http = new HttpClient { BaseAddress = broker.Http };

        using var denied = await http.GetAsync("/api/history?topic=room");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "k1");
        var body = JsonDocument.Parse(await http.GetStringAsync("/api/history?topic=room&limit=2")).RootElement;
        using var bad = await http.GetAsync("/api/history?topic=room.*");

        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Equal(("room", 3L), (body.GetProperty("topic").GetString(), body.GetProperty("offset").GetInt64()));
        Assert.Equal([2L, 3], Offsets(body));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task Subscribe_SinceWhilePublishesKeepArriving_EveryOffsetOnceInOrder()
    {
        const int total = 400;
        await using var broker = await TestBroker.StartAsync("broker.namespaces.default.history.size = 1000");
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        var random = new Random(7);
        var received = new List<long>();
        var client = await PubSubClient.ConnectAsync(broker);
        var ack = await client.SubscribeAsync("room");
        var epoch = ack.GetProperty("epoch").GetString()!;
        var publishing = Task.Run(async () =>
        {
            for (var i = 1; i <= total; i++)
                await publisher.SendAsync($$$"""{"type":"publish","topic":"room","data":{"n":{{{i}}}}}""");
        });
        try
        {
            while (received.Count < total)
            {
                // Take a few messages, drop the connection, come back with since: the replay meets live traffic.
                var take = Math.Min(random.Next(0, 40), total - received.Count);
                received.AddRange(await OffsetsAsync(client, take));
                if (received.Count == total)
                    break;
                await client.DisposeAsync();
                client = await PubSubClient.ConnectAsync(broker);
                var again = await client.RequestAckAsync(Since("room", received.Count == 0 ? 0 : received[^1], epoch));
                Assert.True(again.GetProperty("recovered").GetBoolean());
            }
            await publishing;
        }
        finally
        {
            await client.DisposeAsync();
        }

        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), received);
    }

    [Fact]
    public async Task Subscribe_SinceWithAReplayBeyondTheOutboxBounds_PacedWholeThenLiveNoSlowConsumerClose()
    {
        // An outbox of 50 messages and a replay of 600: written all at once it would overflow (4000); paced by the
        // client's reading it arrives whole, then live.
        await using var broker = await TestBroker.StartAsync("""
            broker.namespaces.default.history.size = 1000
            broker.websocket.max-queued-messages = 50
            """);
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        await using var subscriber = await PubSubClient.ConnectAsync(broker);
        var epoch = (await subscriber.SubscribeAsync("backlog")).GetProperty("epoch").GetString()!;
        await subscriber.RequestAsync("""{"type":"unsubscribe","id":2,"topic":"backlog"}""");
        await PublishAsync(publisher, "backlog", 1, 600);

        var ack = await subscriber.RequestAckAsync(Since("backlog", 0, epoch));
        var replayed = await OffsetsAsync(subscriber, 600);
        await PublishAsync(publisher, "backlog", 601, 601);

        Assert.True(ack.GetProperty("recovered").GetBoolean());
        Assert.Equal(Enumerable.Range(1, 600).Select(i => (long)i), replayed);
        Assert.Equal([601L], await OffsetsAsync(subscriber, 1));
    }

    private static string Since(string topic, long offset, string epoch) =>
        $$$"""{"type":"subscribe","id":9,"topic":"{{{topic}}}","since":{"offset":{{{offset}}},"epoch":"{{{epoch}}}"}}""";

    private static async Task PublishAsync(PubSubClient client, string topic, int from, int to)
    {
        for (var n = from; n <= to; n++)
            await client.PublishAsync(topic, $$"""{"n":{{n}}}""", id: n);
    }

    private static async Task<List<long>> OffsetsAsync(PubSubClient client, int count)
    {
        var offsets = new List<long>();
        while (offsets.Count < count)
        {
            var message = await client.ReceiveAsync();
            if (message.GetProperty("type").GetString() == "message")
                offsets.Add(message.GetProperty("offset").GetInt64());
        }
        return offsets;
    }

    private static IEnumerable<long> Offsets(JsonElement history) =>
        history.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("offset").GetInt64());
}
