using System.Text;
using Broker.Server.Tests.Support;
using Broker.Testing;
using StackExchange.Redis;

namespace Broker.Server.Tests.PubSub;

/// <summary>
/// Publishes in flight per connection (issue 10 item 4) over a real socket and a real redis-server: a client that
/// pipelines far beyond max-publishes-in-flight is not read further while Redis holds its publishes, and every publish
/// is still answered once Redis goes on, and they took effect in the order sent.
/// </summary>
public sealed class PublishInFlightTests(RedisServerFixture redis) : IClassFixture<RedisServerFixture>
{
    private const int Cap = 8;
    private const int Pipelined = 2000;

    [Fact]
    public async Task Publish_PipelinedBeyondInFlightCap_NotReadFurtherYetEveryPublishAckedWithOffsetsInOrder()
    {
        await using var broker = await TestBroker.StartAsync($$"""
            broker.backplane.type = redis
            broker.redis { endpoint = "{{redis.Server.Endpoint}}", key-prefix = "t{{Guid.NewGuid():N}}:", operation-timeout = 60s }
            broker.limits { max-publishes-in-flight = {{Cap}}, publish-rate = off }
            """);
        var traffic = broker.Counters.Traffic;
        await using var admin = await ConnectionMultiplexer.ConnectAsync(redis.Server.Endpoint + ",allowAdmin=true");
        await using var client = await RawClient.OpenAsync(broker.Http, "/ws");
        // Redis holds every write command (the publish script) but still answers the backplane's pings.
        await admin.GetServer(redis.Server.Endpoint).ExecuteAsync("CLIENT", "PAUSE", "60000", "WRITE");
        var maxInFlight = 0L;

        var writing = client.WriteAsync(Pipeline());
        await Eventually.TrueAsync(() => traffic.PublishesInFlight.Value == Cap, RawClient.Timeout, $"{Cap} publishes in flight");
        var parsedAtCap = traffic.MessagesIn.Value;
        maxInFlight = traffic.PublishesInFlight.Value;
        await admin.GetServer(redis.Server.Endpoint).ExecuteAsync("CLIENT", "UNPAUSE");
        var offsets = new SortedDictionary<int, long>();
        while (offsets.Count < Pipelined)
        {
            var frame = await client.ReadFrameAsync();
            Assert.NotNull(frame);
            var reply = System.Text.Json.JsonDocument.Parse(frame.Payload).RootElement;
            Assert.Equal("ack", reply.GetProperty("type").GetString());
            offsets.Add(reply.GetProperty("id").GetInt32(), reply.GetProperty("offset").GetInt64());
            maxInFlight = Math.Max(maxInFlight, traffic.PublishesInFlight.Value);
        }
        await writing;

        Assert.Equal(Cap, parsedAtCap); // reading stopped at the cap: the rest waited in the socket
        Assert.True(maxInFlight <= Cap, $"{maxInFlight} publishes in flight; the cap is {Cap}");
        // Replies may pass each other on the wire (docs/protocol.md), but the publishes took effect in the order sent.
        Assert.Equal(Enumerable.Range(1, Pipelined), offsets.Keys);
        Assert.Equal(Enumerable.Range(1, Pipelined).Select(i => (long)i), offsets.Values);
        Assert.True(traffic.ReadPauses.Value >= 1);
        await Eventually.TrueAsync(() => traffic.PublishesInFlight.Value == 0, RawClient.Timeout, "nothing in flight");
    }

    private static byte[] Pipeline()
    {
        using var bytes = new MemoryStream();
        for (var id = 1; id <= Pipelined; id++)
            bytes.Write(RawClient.EncodeFrame(0x1, Encoding.UTF8.GetBytes($$"""{"type":"publish","id":{{id}},"topic":"t","data":"{{new string('x', 200)}}"}""")));
        return bytes.ToArray();
    }
}
