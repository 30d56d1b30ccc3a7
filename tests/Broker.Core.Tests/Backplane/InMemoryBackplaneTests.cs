using System.Text;
using Broker.Core.Backplane;

namespace Broker.Core.Tests.Backplane;

public class InMemoryBackplaneTests
{
    private readonly InMemoryBackplane _backplane = new(TestNamespaces.Default);
    private readonly RecordingSink _sink = new();

    public InMemoryBackplaneTests() => _backplane.StartAsync(_sink, CancellationToken.None).GetAwaiter().GetResult();

    private ValueTask<long> Publish(string topic, string data = "1") => _backplane.PublishAsync(topic, Encoding.UTF8.GetBytes(data));

    [Fact]
    public async Task PublishAsync_OffsetsPerTopic_StartAtOneAndIncreaseByOne()
    {
        Assert.Equal(1, await Publish("a"));
        Assert.Equal(2, await Publish("a"));
        Assert.Equal(1, await Publish("b"));
        Assert.Equal(3, await Publish("a"));
    }

    [Fact]
    public async Task PublishAsync_Subscribed_DeliversTopicOffsetAndData()
    {
        await _backplane.SubscribeAsync("chat.lobby");

        await Publish("chat.lobby", """{"x":1}""");

        var delivered = Assert.Single(_sink.Delivered);
        Assert.Equal("chat.lobby", delivered.Topic);
        Assert.Equal(1, delivered.Offset);
        Assert.Equal("""{"x":1}""", Encoding.UTF8.GetString(delivered.Data));
    }

    [Fact]
    public async Task PublishAsync_NotSubscribed_AssignsOffsetButDeliversNothing()
    {
        await _backplane.SubscribeAsync("other");

        Assert.Equal(1, await Publish("chat.lobby"));

        Assert.Empty(_sink.Delivered);
    }

    [Fact]
    public async Task PublishAsync_PatternSubscribed_DeliversMatchingTopicsOnly()
    {
        await _backplane.SubscribeAsync("chat.*");

        await Publish("chat.lobby");
        await Publish("chat.eu.lobby");
        await Publish("news.lobby");

        Assert.Equal(["chat.lobby"], _sink.Delivered.Select(d => d.Topic));
    }

    [Fact]
    public async Task PublishAsync_TopicAndPatternBothSubscribed_DeliversOnce()
    {
        await _backplane.SubscribeAsync("chat.lobby");
        await _backplane.SubscribeAsync("chat.>");

        await Publish("chat.lobby");

        Assert.Single(_sink.Delivered);
    }

    [Fact]
    public async Task UnsubscribeAsync_StopsDelivery()
    {
        await _backplane.SubscribeAsync("a");
        await _backplane.SubscribeAsync("b.*");
        await Publish("a");
        await Publish("b.x");

        await _backplane.UnsubscribeAsync("a");
        await _backplane.UnsubscribeAsync("b.*");
        await Publish("a");
        await Publish("b.x");

        Assert.Equal([1L, 1L], _sink.Delivered.Select(d => d.Offset));
    }

    [Fact]
    public async Task PublishAsync_ConcurrentPublishers_SinkSeesOffsetsInOrderWithoutGaps()
    {
        await _backplane.SubscribeAsync("t");
        const int threads = 4, perThread = 2000;

        await Task.WhenAll(Enumerable.Range(0, threads).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < perThread; i++)
                await Publish("t");
        })));

        Assert.Equal(Enumerable.Range(1, threads * perThread).Select(i => (long)i), _sink.Delivered.Select(d => d.Offset));
    }

    [Fact]
    public async Task PublishAsync_BeforeStart_Throws()
    {
        var backplane = new InMemoryBackplane(TestNamespaces.Default);

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await backplane.PublishAsync("a", new byte[] { 49 }));
    }

    [Fact]
    public void IsHealthy_IsTrue() => Assert.True(_backplane.IsHealthy);
}
