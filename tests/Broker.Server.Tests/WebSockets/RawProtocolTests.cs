using System.Text;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.WebSockets;

/// <summary>Hand-made bytes over TCP: every RFC 6455 violation closes with its code and never disturbs other connections.</summary>
public sealed class RawProtocolTests
{
    private const int Text = 0x1, Binary = 0x2, Continuation = 0x0, Close = 0x8, Ping = 0x9, Pong = 0xA;

    public sealed record Violation(string Name, byte[][] Frames, int ExpectedCode)
    {
        public override string ToString() => Name;
    }

    private static byte[] F(int opCode, byte[] payload, bool fin = true, bool masked = true, int rsv = 0) =>
        RawClient.EncodeFrame(opCode, payload, fin, masked, rsv);

    public static TheoryData<Violation> Violations() =>
    [
        new("unmasked frame", [F(Text, "hi"u8.ToArray(), masked: false)], 1002),
        new("RSV1 without deflate", [F(Text, "hi"u8.ToArray(), rsv: 4)], 1002),
        new("RSV2", [F(Binary, [1], rsv: 2)], 1002),
        new("RSV3", [F(Binary, [1], rsv: 1)], 1002),
        new("reserved data opcode 0x3", [F(0x3, [])], 1002),
        new("reserved control opcode 0xB", [F(0xB, [])], 1002),
        new("invalid UTF-8", [F(Text, [0xC3, 0x28])], 1007),
        new("invalid UTF-8 split across fragments", [F(Text, [0xE2, 0x82], fin: false), F(Continuation, [0x28])], 1007),
        new("truncated UTF-8 at message end", [F(Text, [0x61, 0xE2], fin: false), F(Continuation, [0x82])], 1007),
        new("ping payload over 125 bytes", [F(Ping, new byte[126])], 1002),
        new("fragmented ping", [F(Ping, [1], fin: false)], 1002),
        new("continuation without a message", [F(Continuation, [1])], 1002),
        new("new message inside a fragmented one", [F(Text, "a"u8.ToArray(), fin: false), F(Text, "b"u8.ToArray())], 1002),
        new("close payload of 1 byte", [F(Close, [0x03])], 1002),
        new("close code 999", [F(Close, RawClient.ClosePayload(999))], 1002),
        new("close code 1005", [F(Close, RawClient.ClosePayload(1005))], 1002),
        new("close code 1006", [F(Close, RawClient.ClosePayload(1006))], 1002),
        new("close code 5000", [F(Close, RawClient.ClosePayload(5000))], 1002),
        new("close reason not UTF-8", [F(Close, [0x03, 0xE8, 0xFF, 0xFE])], 1007),
    ];

    [Theory]
    [MemberData(nameof(Violations))]
    public async Task Violation_OnEcho_ClosesWithCodeAndOthersUnaffected(Violation violation)
    {
        await using var broker = await TestBroker.StartAsync();
        await using var bad = await RawClient.OpenAsync(broker.Http);

        foreach (var frame in violation.Frames)
            await bad.WriteAsync(frame);

        Assert.Equal(violation.ExpectedCode, await bad.ReadCloseCodeAsync());
        Assert.True(await bad.ServerClosedTcpAsync());
        await WebSocketClients.AssertEchoWorksAsync(broker);
    }

    [Fact]
    public async Task MessageOverLimit_ClosesWith1009()
    {
        await using var broker = await TestBroker.StartAsync("broker.websocket.max-message-bytes = 1000");
        await using var bad = await RawClient.OpenAsync(broker.Http);

        await bad.SendFrameAsync(Binary, new byte[1001]);

        Assert.Equal(1009, await bad.ReadCloseCodeAsync());
        await WebSocketClients.AssertEchoWorksAsync(broker);
    }

    [Fact]
    public async Task Ping_WithPayload_AnsweredByPongWithSamePayload()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = await RawClient.OpenAsync(broker.Http);

        await client.SendFrameAsync(Ping, "ping-42"u8.ToArray());
        var pong = await client.ReadFrameAsync();

        Assert.NotNull(pong);
        Assert.Equal(Pong, pong.OpCode);
        Assert.Equal("ping-42", Encoding.UTF8.GetString(pong.Payload));
    }

    [Fact]
    public async Task Ping_BetweenFragments_AnsweredAndMessageStillEchoed()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = await RawClient.OpenAsync(broker.Http);

        await client.SendFrameAsync(Text, "ab"u8.ToArray(), fin: false);
        await client.SendFrameAsync(Ping, [7]);
        await client.SendFrameAsync(Continuation, "cd"u8.ToArray());

        var pong = await client.ReadFrameAsync();
        var echo = await client.ReadFrameAsync();
        Assert.Equal(Pong, pong!.OpCode);
        Assert.Equal(Text, echo!.OpCode);
        Assert.Equal("abcd", Encoding.UTF8.GetString(echo.Payload));
    }

    [Fact]
    public async Task UnsolicitedPong_Ignored_ConnectionKeepsEchoing()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = await RawClient.OpenAsync(broker.Http);

        await client.SendFrameAsync(Pong, [1, 2, 3]);
        await client.SendFrameAsync(Binary, [9]);

        var echo = await client.ReadFrameAsync();
        Assert.Equal(Binary, echo!.OpCode);
        Assert.Equal([9], echo.Payload);
    }

    [Fact]
    public async Task Close_EmptyPayload_AnsweredWith1000ThenTcpClosed()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = await RawClient.OpenAsync(broker.Http);

        await client.SendFrameAsync(Close, []);

        Assert.Equal(1000, await client.ReadCloseCodeAsync());
        Assert.True(await client.ServerClosedTcpAsync());
    }

    [Fact]
    public async Task Close_WithCodeAndReason_CodeEchoed()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = await RawClient.OpenAsync(broker.Http);

        await client.SendFrameAsync(Close, RawClient.ClosePayload(3001, "done ✓"));

        Assert.Equal(3001, await client.ReadCloseCodeAsync());
        Assert.True(await client.ServerClosedTcpAsync());
    }

    [Fact]
    public async Task DataAfterClose_NotEchoed()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = await RawClient.OpenAsync(broker.Http);

        // Both frames in one write: the server parses the Close first and must ignore what follows (§5.5.1).
        await client.WriteAsync([.. F(Close, RawClient.ClosePayload(1000)), .. F(Text, "late"u8.ToArray())]);

        var first = await client.ReadFrameAsync();
        Assert.Equal(Close, first!.OpCode);
        Assert.Null(await client.ReadFrameAsync());
    }
}
