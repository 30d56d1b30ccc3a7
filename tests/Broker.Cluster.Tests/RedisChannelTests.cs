using Broker.Testing;
using StackExchange.Redis;

namespace Broker.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class RedisChannelTests(ClusterFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    private ConnectionMultiplexer? _redis;

    public async Task InitializeAsync() => _redis = await ConnectionMultiplexer.ConnectAsync(fixture.Cluster.Redis.Endpoint);

    public async Task DisposeAsync()
    {
        if (_redis is not null) await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Unsubscribe_LastSubscriberOnANode_ReleasesThatNodesRedisChannel()
    {
        var nodes = fixture.Cluster.Nodes;
        var topic = Topics.Fresh("presence");
        await using var first = await BrokerClient.ConnectAsync(nodes[0].WebSocketUri);
        await using var second = await BrokerClient.ConnectAsync(nodes[0].WebSocketUri);
        await using var remote = await BrokerClient.ConnectAsync(nodes[1].WebSocketUri);
        await using var publisher = await BrokerClient.ConnectAsync(nodes[2].WebSocketUri);

        await first.SubscribeAsync(topic);
        await second.SubscribeAsync(topic);
        await remote.SubscribeAsync(topic);
        // One Redis subscription per node, however many local subscribers (the ack follows Redis' SUBSCRIBE).
        Assert.Equal(2, await SubscribersAsync(topic));

        await first.UnsubscribeAsync(topic);
        // Node 0 still holds the channel for `second`: a publish reaches it.
        var offset = await publisher.PublishAsync(topic, "1");
        Assert.Equal(offset, (await second.NextMessageAsync()).GetProperty("offset").GetInt64());

        await second.UnsubscribeAsync(topic);
        await Eventually.TrueAsync(async () => await SubscribersAsync(topic) == 1, Bound,
            "node 0's channel released after its last unsubscribe");
        var secondOffset = await publisher.PublishAsync(topic, "2");
        // Node 1 kept its channel throughout: it got both messages.
        Assert.Equal([offset, secondOffset], (await remote.NextMessagesAsync(2)).Select(m => m.Offset));

        // A disconnect releases like an unsubscribe.
        await remote.DisposeAsync();
        await Eventually.TrueAsync(async () => await SubscribersAsync(topic) == 0, Bound,
            "node 1's channel released after its last subscriber disconnected");
    }

    // The key prefix is broker.redis.key-prefix's default; channels are <prefix>msg:<topic> (src/Broker.Redis/README.md).
    private async Task<long> SubscribersAsync(string topic)
    {
        // PUBSUB NUMSUB answers [channel, count].
        var reply = await _redis!.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", "broker:msg:" + topic);
        return (long)((RedisResult[])reply!)[1];
    }
}
