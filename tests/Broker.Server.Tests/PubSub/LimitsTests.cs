using System.Net.WebSockets;
using System.Text;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.PubSub;

/// <summary>broker.limits over real sockets: each limit gives its documented error or close.</summary>
public sealed class LimitsTests
{
    [Fact]
    public async Task Subscribe_BeyondMaxSubscriptions_TooManySubscriptionsUntilOneIsReleased()
    {
        await using var broker = await TestBroker.StartAsync("broker.limits.max-subscriptions-per-connection = 2");
        await using var client = await PubSubClient.ConnectAsync(broker);
        await client.SubscribeAsync("a");
        await client.SubscribeAsync("b.*");

        await client.SendAsync("""{"type":"subscribe","id":3,"topic":"c"}""");
        var error = await client.ReceiveAsync();
        await client.SubscribeAsync("a", id: 4); // already held: idempotent, not a third subscription
        await client.RequestAckAsync("""{"type":"unsubscribe","id":5,"topic":"a"}""");
        await client.SubscribeAsync("c", id: 6);

        Assert.Equal("too_many_subscriptions", error.GetProperty("code").GetString());
        Assert.Equal(3, error.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Publish_DataLargerThanMaxPublishBytes_MessageTooLarge()
    {
        await using var broker = await TestBroker.StartAsync("broker.limits.max-publish-bytes = 16");
        await using var client = await PubSubClient.ConnectAsync(broker);

        await client.PublishAsync("t", "\"exactly 16 byt\"");
        await client.SendAsync("""{"type":"publish","id":2,"topic":"t","data":"seventeen bytes!!"}""");
        var error = await client.ReceiveAsync();

        Assert.Equal("message_too_large", error.GetProperty("code").GetString());
        Assert.Equal(2, error.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Publish_BeyondBurst_RateLimitedAndNothingPublished()
    {
        // One token per 1000 s: the bucket cannot refill during the test, so exactly the burst gets through.
        await using var broker = await TestBroker.StartAsync("broker.limits { publish-rate = 0.001, publish-burst = 2 }");
        await using var client = await PubSubClient.ConnectAsync(broker);

        Assert.Equal(1, await client.PublishAsync("t", "1", id: 1));
        Assert.Equal(2, await client.PublishAsync("t", "2", id: 2));
        await client.SendAsync("""{"type":"publish","id":3,"topic":"t","data":3}""");
        var error = await client.ReceiveAsync();

        Assert.Equal("rate_limited", error.GetProperty("code").GetString());
        Assert.Equal(3, error.GetProperty("id").GetInt32());
        await using var other = await PubSubClient.ConnectAsync(broker);
        Assert.Equal(3, await other.PublishAsync("t", "4")); // the rejected publish took no offset
    }

    [Fact]
    public async Task InvalidCommands_MaxViolationsInARow_ErrorsThenClose4002()
    {
        await using var broker = await TestBroker.StartAsync("broker.limits.max-violations = 3");
        await using var client = await PubSubClient.ConnectAsync(broker);

        for (var i = 0; i < 2; i++)
        {
            await client.SendAsync("nope");
            Assert.Equal("bad_json", (await client.ReceiveAsync()).GetProperty("code").GetString());
        }
        await client.RequestAckAsync("""{"type":"ping","id":1}"""); // a good command resets the count
        for (var i = 0; i < 3; i++)
        {
            await client.SendAsync("""{"type":"subscribe","topic":"bad..topic"}""");
            Assert.Equal("bad_topic", (await client.ReceiveAsync()).GetProperty("code").GetString());
        }
        Assert.Equal((WebSocketCloseStatus)4002, await client.ReceiveCloseAsync());
    }

    [Fact]
    public async Task SlowSubscriber_StopsReading_Closed4000WhilePublisherAndOthersGetEverything()
    {
        const int maxMessages = 5000;
        await using var broker = await TestBroker.StartAsync(
            "broker.websocket { max-queued-bytes = 1048576, max-queued-messages = 1000, close-timeout = 60s }");
        // close-timeout is long so the socket stays open after the node's Close(4000): reading through what was
        // already in flight reaches the Close itself.
        await using var slow = await RawClient.OpenAsync(broker.Http, "/ws", receiveBuffer: 4096);
        await slow.SendFrameAsync(0x1, Encoding.UTF8.GetBytes("""{"type":"subscribe","id":1,"topic":"flood"}"""));
        Assert.Contains("\"ack\"", Encoding.UTF8.GetString((await slow.ReadFrameAsync())!.Payload));
        await using var fast = await PubSubClient.ConnectAsync(broker);
        await fast.SubscribeAsync("flood");
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        var data = $"\"{new string('x', 16_000)}\"";

        // The slow client never reads again: once the kernel's socket buffers are full its queue overflows. Publishing
        // goes on until the node dropped it, then a little more: nothing of that may be lost for the others.
        var received = Task.Run(async () =>
        {
            var offsets = new List<long>();
            while (await fast.ReceiveAsync() is var message && message.GetProperty("data").GetString() != "done")
                offsets.Add(message.GetProperty("offset").GetInt64());
            return offsets;
        });
        var published = 0;
        while (published < maxMessages && broker.Counters.SlowConsumers == 0)
            Assert.Equal(++published, await publisher.PublishAsync("flood", data, id: published + 1));
        for (var i = 0; i < 20; i++)
            Assert.Equal(++published, await publisher.PublishAsync("flood", data, id: published + 1));

        await publisher.PublishAsync("flood", "\"done\"");

        Assert.Equal(Enumerable.Range(1, published).Select(i => (long)i), await received);
        Assert.Equal(1, broker.Counters.SlowConsumers);
        Assert.Equal(4000, await slow.ReadCloseCodeAsync());
    }
}
