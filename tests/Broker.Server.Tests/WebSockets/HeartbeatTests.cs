using System.Diagnostics;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.WebSockets;

public sealed class HeartbeatTests
{
    [Fact]
    public async Task PingInterval_IdleClient_ReceivesServerPings()
    {
        await using var broker = await TestBroker.StartAsync(
            "broker.websocket { ping-interval = 100ms, idle-timeout = 30s }");
        await using var client = await RawClient.OpenAsync(broker.Http);

        var first = await client.ReadFrameAsync();
        var second = await client.ReadFrameAsync();

        Assert.Equal(0x9, first!.OpCode);
        Assert.Equal(0x9, second!.OpCode);
    }

    [Fact]
    public async Task IdleTimeout_SilentClient_ClosedWith4001()
    {
        await using var broker = await TestBroker.StartAsync(
            "broker.websocket { ping-interval = 100ms, idle-timeout = 400ms, close-timeout = 1s }");
        await using var silent = await RawClient.OpenAsync(broker.Http);

        Assert.Equal(4001, await silent.ReadCloseCodeAsync());
        Assert.True(await silent.ServerClosedTcpAsync());
        Assert.Equal(1, broker.Counters.HeartbeatTimeouts);
        await WebSocketClients.AssertEchoWorksAsync(broker);
    }

    [Fact]
    public async Task IdleTimeout_ClientAnsweringPings_StaysOpen()
    {
        await using var broker = await TestBroker.StartAsync(
            "broker.websocket { ping-interval = 200ms, idle-timeout = 8s }");
        await using var client = await RawClient.OpenAsync(broker.Http);

        // Answer fifty pings (10 s, past the idle timeout) and the connection must stay open throughout. The idle timeout
        // is forty ping intervals: in two full-suite runs a 4 s timeout closed it (4001), so something stalled for
        // seconds; the widest gap between the client's reads says whether it was this test process.
        var clock = Stopwatch.StartNew();
        var (lastRead, widestGap) = (0L, 0L);
        for (var i = 0; i < 50; i++)
        {
            var frame = await client.ReadFrameAsync();
            widestGap = Math.Max(widestGap, clock.ElapsedMilliseconds - lastRead);
            lastRead = clock.ElapsedMilliseconds;
            Assert.True(frame!.OpCode == 0x9,
                $"ping {i}: opcode {frame.OpCode}{(frame.OpCode == 0x8 ? $", Close {frame.CloseCode}" : "")}; "
                + $"widest gap between the client's reads {widestGap} ms");
            await client.SendFrameAsync(0xA, frame.Payload);
        }
        await client.SendFrameAsync(0x2, [42]);
        RawClient.Frame? echo;
        do
            echo = await client.ReadFrameAsync();
        while (echo!.OpCode == 0x9);
        Assert.Equal([42], echo.Payload);
    }
}
