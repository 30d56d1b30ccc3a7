using Broker.Testing;

namespace Broker.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class RecoveryTests(ClusterFixture fixture)
{
    private const int PerPublisher = 150;

    // Property: for random disconnect/reconnect schedules across nodes while two nodes keep publishing, the offsets a
    // client receives over all its connections are exactly 1..N in order (no gap, no duplicate at any replay seam).
    [Theory]
    [InlineData(11)]
    [InlineData(23)]
    [InlineData(42)]
    public async Task Subscribe_SinceOnAnotherNodeWhilePublishing_UnionOfOffsetsIsExactlyOneToN(int seed)
    {
        var cluster = fixture.Cluster;
        var topic = Topics.Fresh("recovery");
        var random = new Random(seed);
        const int total = 2 * PerPublisher;
        var received = new List<long>();
        var client = await BrokerClient.ConnectAsync(cluster.Nodes[0].WebSocketUri);
        var epoch = (await client.SubscribeAsync(topic)).GetProperty("epoch").GetString()!;
        var publishers = await Task.WhenAll(cluster.Nodes.Take(2).Select(n => BrokerClient.ConnectAsync(n.WebSocketUri)));
        try
        {
            var publishing = Task.WhenAll(publishers.Select(async (publisher, p) =>
            {
                for (var i = 0; i < PerPublisher; i++) await publisher.PublishAsync(topic, $"{{\"p\":{p},\"i\":{i}}}");
            }));
            while (received.Count < total)
            {
                var take = Math.Min(random.Next(0, 60), total - received.Count);
                received.AddRange((await client.NextMessagesAsync(take)).Select(m => m.Offset));
                if (received.Count == total) break;
                await client.DisposeAsync();
                client = await BrokerClient.ConnectAsync(cluster.Nodes[random.Next(cluster.Nodes.Count)].WebSocketUri);
                var ack = await client.SubscribeAsync(topic, received.Count == 0 ? 0 : received[^1], epoch);
                Assert.True(ack.GetProperty("recovered").GetBoolean(), $"not recovered: {ack}");
            }
            await publishing;
        }
        finally
        {
            await client.DisposeAsync();
            foreach (var publisher in publishers) await publisher.DisposeAsync();
        }

        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), received);
    }

    [Fact]
    public async Task History_PublishedOnOtherNodes_SameAnswerOnEveryNode()
    {
        var cluster = fixture.Cluster;
        var topic = Topics.Fresh("history");
        await using var publisher = await BrokerClient.ConnectAsync(cluster.Nodes[1].WebSocketUri);
        for (var i = 1; i <= 5; i++) await publisher.PublishAsync(topic, $"{{\"i\":{i}}}");

        var answers = new List<string>();
        foreach (var node in cluster.Nodes)
        {
            await using var reader = await BrokerClient.ConnectAsync(node.WebSocketUri);
            var history = await reader.HistoryAsync(topic, 3);
            answers.Add(history.GetProperty("epoch").GetString() + history.GetProperty("messages").GetRawText());
            Assert.Equal(5, history.GetProperty("offset").GetInt64());
        }

        Assert.Single(answers.Distinct());
        Assert.Contains("\"offset\":3", answers[0]);
    }
}
