using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.PubSub;

/// <summary>Subscribe churn and wildcard limits over real sockets (issue 10 items 2 and 3).</summary>
public sealed class SubscribeLimitsTests
{
    [Fact]
    public async Task Subscribe_BeyondBurst_RateLimitedAndNothingSubscribed()
    {
        // One token per 1000 s: the bucket cannot refill during the test. Unsubscribes draw from the same bucket.
        await using var broker = await TestBroker.StartAsync("broker.limits { subscribe-rate = 0.001, subscribe-burst = 2 }");
        await using var client = await PubSubClient.ConnectAsync(broker);
        await client.SubscribeAsync("a", id: 1);
        await client.RequestAckAsync("""{"type":"unsubscribe","id":2,"topic":"a"}""");

        await client.SendAsync("""{"type":"subscribe","id":3,"topic":"b"}""");
        var error = await client.ReceiveAsync();
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        await publisher.PublishAsync("b", "1");
        await client.SendAsync("""{"type":"ping","id":4}""");

        Assert.Equal("rate_limited", error.GetProperty("code").GetString());
        Assert.Equal(3, error.GetProperty("id").GetInt32());
        // Nothing arrives from b: the next frame is the ping's ack.
        Assert.Equal(4, (await client.ReceiveAsync()).GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Subscribe_BeyondWildcardCap_TooManySubscriptionsUntilAPatternIsReleased()
    {
        await using var broker = await TestBroker.StartAsync("broker.limits.max-wildcard-subscriptions-per-connection = 2");
        await using var client = await PubSubClient.ConnectAsync(broker);
        await client.SubscribeAsync("a.*", id: 1);
        await client.SubscribeAsync("b.>", id: 2);
        await client.SubscribeAsync("plain", id: 3); // concrete topics do not count

        await client.SendAsync("""{"type":"subscribe","id":4,"topic":"c.*"}""");
        var error = await client.ReceiveAsync();
        await client.SubscribeAsync("a.*", id: 5); // already held: idempotent
        await client.RequestAckAsync("""{"type":"unsubscribe","id":6,"topic":"a.*"}""");
        await client.SubscribeAsync("c.*", id: 7);

        Assert.Equal("too_many_subscriptions", error.GetProperty("code").GetString());
        Assert.Equal(4, error.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Subscribe_MoreWildcardSegmentsThanAllowed_BadTopic()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = await PubSubClient.ConnectAsync(broker);

        await client.SendAsync("""{"type":"subscribe","id":1,"topic":"a.*.*.*.*.>"}""");
        var error = await client.ReceiveAsync();
        await client.SubscribeAsync("a.*.*.*.>", id: 2); // four: the default cap

        Assert.Equal("bad_topic", error.GetProperty("code").GetString());
        Assert.Equal(1, error.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Subscribe_NewTopicBeyondNodeCap_TooManySubscriptionsWhileLiveTopicsStillServe()
    {
        await using var broker = await TestBroker.StartAsync("broker.limits.max-topics = 2");
        await using var first = await PubSubClient.ConnectAsync(broker);
        await using var second = await PubSubClient.ConnectAsync(broker);
        await first.SubscribeAsync("a", id: 1);
        await second.SubscribeAsync("b.*", id: 1); // patterns are keys too

        await second.SendAsync("""{"type":"subscribe","id":2,"topic":"c"}""");
        var error = await second.ReceiveAsync();
        await second.SubscribeAsync("a", id: 3); // a live key: not a new topic
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        await publisher.PublishAsync("a", "7");

        Assert.Equal("too_many_subscriptions", error.GetProperty("code").GetString());
        Assert.Equal(2, error.GetProperty("id").GetInt32());
        Assert.Equal(7, (await second.ReceiveAsync()).GetProperty("data").GetInt32());
    }

    [Fact]
    public async Task Subscribe_NewPatternBeyondNodeCap_TooManySubscriptionsAcrossConnections()
    {
        await using var broker = await TestBroker.StartAsync("broker.limits.max-wildcard-patterns = 1");
        await using var first = await PubSubClient.ConnectAsync(broker);
        await using var second = await PubSubClient.ConnectAsync(broker);
        await first.SubscribeAsync("a.*", id: 1);

        await second.SendAsync("""{"type":"subscribe","id":2,"topic":"b.>"}""");
        var error = await second.ReceiveAsync();
        await second.SubscribeAsync("a.*", id: 3); // the node's pattern: shared, not new
        await second.SubscribeAsync("plain", id: 4); // concrete topics are not patterns

        Assert.Equal("too_many_subscriptions", error.GetProperty("code").GetString());
        Assert.Equal(2, error.GetProperty("id").GetInt32());
    }
}
