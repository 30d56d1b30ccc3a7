using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.WebSockets;

public sealed class SlowConsumerTests
{
    [Fact]
    public async Task NeverReadingClient_FloodedWithEchoes_DroppedWith4000AndOthersUnaffected()
    {
        await using var broker = await TestBroker.StartAsync(
            "broker.websocket { max-queued-bytes = 262144, max-queued-messages = 64, close-timeout = 500ms }");
        await using var slow = await RawClient.OpenAsync(broker.Http, receiveBuffer: 4096);
        var frame = RawClient.EncodeFrame(0x2, new byte[16 * 1024]);

        // Keep sending without reading until the server gives up on us: our writes fail once it dropped TCP.
        var dropped = false;
        for (var i = 0; i < 4096 && !dropped; i++)
        {
            try
            {
                await slow.WriteAsync(frame);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException)
            {
                dropped = true;
            }
        }

        Assert.True(dropped || await SawCloseOrEofAsync(slow, expectedCode: 4000));
        Assert.Equal(1, broker.Counters.SlowConsumers);
        await WebSocketClients.AssertEchoWorksAsync(broker);
    }

    // The queue is discarded on overflow, so after whatever echoes were already in flight the stream ends with our
    // Close(4000) or, when the socket never drained, with the TCP drop after close-timeout.
    private static async Task<bool> SawCloseOrEofAsync(RawClient client, int expectedCode)
    {
        while (await client.ReadFrameAsync() is { } frame)
        {
            if (frame.OpCode == 0x8)
                return frame.CloseCode == expectedCode;
        }
        return true;
    }
}
