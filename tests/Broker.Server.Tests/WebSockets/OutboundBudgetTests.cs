using System.Text;
using System.Text.Json;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.WebSockets;

/// <summary>
/// broker.limits.max-outbound-bytes (issue 10 item 6) over real sockets: subscribers that never read fill their
/// queues; over the node's budget a subscribe gets <c>overloaded</c>, and the heartbeat closes the largest queue with
/// 4000 while a subscriber with a small queue stays. Per-connection bounds are set high so only the node budget acts.
/// </summary>
public sealed class OutboundBudgetTests
{
    private const int Budget = 200_000;
    private const int KernelBacklog = 8 << 20;
    private static readonly string Data = $"\"{new string('x', 16_000)}\"";

    [Fact]
    public async Task Subscribe_NodeOverOutboundBudget_OverloadedAndNothingSubscribed()
    {
        // No heartbeat tick during the test (ping off, idle 1h): the node stays over budget instead of shedding.
        await using var broker = await TestBroker.StartAsync($$"""
            broker.limits.max-outbound-bytes = {{Budget}}
            broker.websocket { ping-interval = off, idle-timeout = 1h, max-queued-bytes = 67108864, max-queued-messages = 1000000 }
            """);
        await using var slow = await SubscribeRawAsync(broker, "t");
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        // Queued bytes fall when the kernel takes more of the slow socket's backlog (its send buffer grows up to
        // tcp_wmem's max, 4 MiB here): over the budget by more than that, the node stays over it.
        await FloodAsync(broker, publisher, "t", () => broker.Counters.Traffic.QueuedBytes.Value > Budget + KernelBacklog);

        await using var late = await PubSubClient.ConnectAsync(broker);
        await late.SendAsync("""{"type":"subscribe","id":1,"topic":"u"}""");
        var error = await late.ReceiveAsync();
        await publisher.PublishAsync("u", "1");
        var ack = await late.RequestAckAsync("""{"type":"ping","id":2}"""); // nothing from u came first

        Assert.Equal("overloaded", error.GetProperty("code").GetString());
        Assert.Equal(1, error.GetProperty("id").GetInt32());
        Assert.Equal(2, ack.GetProperty("id").GetInt32());
    }

    [Fact]
    public async Task Heartbeat_NodeOverOutboundBudget_LargestQueueClosedWith4000OthersStay()
    {
        // A 250 ms ping interval ticks the heartbeat (and the budget check) every 62 ms.
        await using var broker = await TestBroker.StartAsync($$"""
            broker.limits.max-outbound-bytes = {{Budget}}
            broker.websocket { ping-interval = 250ms, max-queued-bytes = 67108864, max-queued-messages = 1000000, close-timeout = 60s }
            """);
        await using var small = await SubscribeRawAsync(broker, "small");
        await using var big = await SubscribeRawAsync(broker, "big");
        await using var publisher = await PubSubClient.ConnectAsync(broker);
        for (var i = 1; i <= 3; i++)
            await publisher.PublishAsync("small", Data, id: i);

        await FloodAsync(broker, publisher, "big", () => broker.Counters.SlowConsumers > 0);

        Assert.Equal(4000, await big.ReadCloseCodeAsync());
        Assert.Equal(1, broker.Counters.SlowConsumers);
        // The small subscriber got all of its messages and still answers.
        var offsets = new List<long>();
        while (offsets.Count < 3)
        {
            var frame = await small.ReadFrameAsync();
            Assert.NotNull(frame);
            if (frame.OpCode == 0x1)
                offsets.Add(JsonDocument.Parse(frame.Payload).RootElement.GetProperty("offset").GetInt64());
        }
        Assert.Equal([1L, 2L, 3L], offsets);
        await small.SendFrameAsync(0x1, Encoding.UTF8.GetBytes("""{"type":"ping","id":9}"""));
        Assert.Contains("\"id\":9", await ReadTextAsync(small));
    }

    private static async Task<RawClient> SubscribeRawAsync(TestBroker broker, string topic)
    {
        var client = await RawClient.OpenAsync(broker.Http, "/ws", receiveBuffer: 4096);
        await client.SendFrameAsync(0x1, Encoding.UTF8.GetBytes($$"""{"type":"subscribe","id":1,"topic":"{{topic}}"}"""));
        Assert.Contains("\"ack\"", await ReadTextAsync(client));
        return client;
    }

    private static async Task<string> ReadTextAsync(RawClient client)
    {
        while (true)
        {
            var frame = await client.ReadFrameAsync();
            Assert.NotNull(frame);
            if (frame.OpCode == 0x1)
                return Encoding.UTF8.GetString(frame.Payload);
        }
    }

    // Publishes 16 KB messages to a subscriber that never reads until the condition holds (bounded: 64 MiB).
    private static async Task FloodAsync(TestBroker broker, PubSubClient publisher, string topic, Func<bool> done)
    {
        for (var i = 1; i <= 4096 && !done(); i++)
            await publisher.PublishAsync(topic, Data, id: i);
        Assert.True(done(), $"not reached after 4096 publishes; queued {broker.Counters.Traffic.QueuedBytes.Value} bytes");
    }
}
