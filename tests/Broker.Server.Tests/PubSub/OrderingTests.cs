using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.PubSub;

public sealed class OrderingTests
{
    [Fact]
    public async Task OnePublisher_200Subscribers_EveryoneGetsEveryMessageInOrderWithConsecutiveOffsets()
    {
        const int subscriberCount = 200;
        const int messageCount = 300;
        await using var broker = await TestBroker.StartAsync();
        var subscribers = new List<PubSubClient>();
        try
        {
            for (var i = 0; i < subscriberCount; i++)
            {
                var subscriber = await PubSubClient.ConnectAsync(broker);
                subscribers.Add(subscriber);
                await subscriber.SubscribeAsync("room.1");
            }
            // Connected before the receivers start: each receive has RawClient.Timeout for its message, and on a loaded
            // machine (a full CI run) the first one also waited out the publisher's handshake and failed once.
            await using var publisher = await PubSubClient.ConnectAsync(broker);
            var receiving = subscribers.Select(s => Task.Run(() => ReceiveAllAsync(s, messageCount))).ToArray();

            // Without ids: publishes are pipelined, so ordering rests on the broker, not on the publisher waiting for acks.
            for (var i = 1; i <= messageCount; i++)
                await publisher.SendAsync($$$"""{"type":"publish","topic":"room.1","data":{"n":{{{i}}}}}""");

            foreach (var received in await Task.WhenAll(receiving))
                Assert.Equal(Enumerable.Range(1, messageCount).Select(i => ((long)i, $$$"""{"n":{{{i}}}}""")), received);
        }
        finally
        {
            foreach (var subscriber in subscribers)
                await subscriber.DisposeAsync();
        }
    }

    private static async Task<List<(long Offset, string Data)>> ReceiveAllAsync(PubSubClient client, int count)
    {
        var received = new List<(long, string)>(count);
        while (received.Count < count)
        {
            var message = await client.ReceiveAsync();
            received.Add((message.GetProperty("offset").GetInt64(), message.GetProperty("data").GetRawText()));
        }
        return received;
    }
}
