using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Broker.Testing;

namespace Broker.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class CrossNodeOrderingTests(ClusterFixture fixture)
{
    private const int PerWebSocketPublisher = 40;
    private const int OverHttp = 30;

    [Fact]
    public async Task Publish_ConcurrentFromEveryNodeAndOverHttp_EverySubscriberGetsOneOrderWithDenseOffsets()
    {
        var cluster = fixture.Cluster;
        var topic = Topics.Fresh("orders");
        var wildcard = topic[..topic.IndexOf('.')] + ".*";
        var subscribers = new List<BrokerClient>();
        var publishers = new List<BrokerClient>();
        try
        {
            foreach (var node in cluster.Nodes)
            {
                var exact = await BrokerClient.ConnectAsync(node.WebSocketUri);
                var pattern = await BrokerClient.ConnectAsync(node.WebSocketUri);
                subscribers.AddRange([exact, pattern]);
                await exact.SubscribeAsync(topic);
                await pattern.SubscribeAsync(wildcard);
                publishers.Add(await BrokerClient.ConnectAsync(node.WebSocketUri));
            }

            // Every publisher runs at once; each remembers which offset its acks gave which data.
            var acks = await Task.WhenAll(publishers
                .Select((publisher, n) => PublishOverWebSocketAsync(publisher, topic, $"ws{n}"))
                .Append(PublishOverHttpAsync(cluster, topic)));
            const int total = 3 * PerWebSocketPublisher + OverHttp;

            var received = await Task.WhenAll(subscribers.Select(s => s.NextMessagesAsync(total)));
            var first = received[0];
            Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), first.Select(m => m.Offset));
            Assert.All(first, m => Assert.Equal(topic, m.Topic));
            foreach (var other in received.Skip(1)) Assert.Equal(first, other);

            foreach (var publisherAcks in acks)
            {
                // A publisher's own messages keep its order, and each ack named the offset its data arrived with.
                Assert.Equal(publisherAcks.Select(a => a.Offset).Order(), publisherAcks.Select(a => a.Offset));
                Assert.All(publisherAcks, a => Assert.Equal(a.Data, first[(int)a.Offset - 1].Data));
            }
        }
        finally
        {
            await Task.WhenAll(subscribers.Concat(publishers).Select(c => c.DisposeAsync().AsTask()));
        }
    }

    private static async Task<List<(long Offset, string Data)>> PublishOverWebSocketAsync(BrokerClient publisher,
        string topic, string name)
    {
        var acks = new List<(long, string)>();
        for (var i = 0; i < PerWebSocketPublisher; i++)
        {
            // Spaces and a non-ASCII character: data must arrive byte for byte, never re-serialized.
            var data = $"{{\"from\": \"{name}\", \"i\": {i}, \"s\": \"é\"}}";
            acks.Add((await publisher.PublishAsync(topic, data), data));
        }
        return acks;
    }

    private static async Task<List<(long Offset, string Data)>> PublishOverHttpAsync(TestCluster cluster, string topic)
    {
        var acks = new List<(long, string)>();
        for (var i = 0; i < OverHttp; i++)
        {
            var data = $"{{\"from\":\"http\",\"i\":{i}}}";
            using var response = await cluster.PublishOverHttpAsync(cluster.Nodes[i % cluster.Nodes.Count], topic, data);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            acks.Add((body.GetProperty("offset").GetInt64(), data));
        }
        return acks;
    }
}
