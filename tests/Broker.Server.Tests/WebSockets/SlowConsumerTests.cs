using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.WebSockets;

public sealed class SlowConsumerTests
{
    [Fact]
    public async Task NeverReadingClient_FloodedWithEchoes_DroppedWith4000AndOthersUnaffected()
    {
        // close-timeout is long so the node keeps the socket open after its Close(4000): the test can then read through
        // the echoes that were already in flight and see the Close itself, not just a dropped connection.
        await using var broker = await TestBroker.StartAsync(
            "broker.websocket { max-queued-bytes = 262144, max-queued-messages = 64, close-timeout = 60s }");
        await using var slow = await RawClient.OpenAsync(broker.Http, receiveBuffer: 4096);
        var frame = RawClient.EncodeFrame(0x2, new byte[16 * 1024]);

        // Keep sending without reading until the node counts us as a slow consumer.
        for (var i = 0; i < 4096 && broker.Counters.SlowConsumers == 0; i++)
            await slow.WriteAsync(frame);

        Assert.Equal(1, broker.Counters.SlowConsumers);
        Assert.Equal(4000, await slow.ReadCloseCodeAsync());
        await WebSocketClients.AssertEchoWorksAsync(broker);
    }
}
