using Broker.Protocol.Framing;

namespace Broker.Server.Tests.Conformance;

/// <summary>Autobahn 2.x: pings are answered with their payload (RFC 6455 §5.5.2/§5.5.3), unsolicited pongs ignored.</summary>
public sealed class PingPongConformanceTests(EchoNode node) : IClassFixture<EchoNode>
{
    public sealed record Case(string Id, byte[] Payload, int Chop)
    {
        public override string ToString() => $"{Id} ping of {Payload.Length} bytes, writes of {Math.Min(Chop, Payload.Length + 6)}";
    }

    public static TheoryData<Case> Pings() =>
    [
        new("2.1", [], int.MaxValue),
        new("2.2", Peer.Utf8("Hello, world!"), int.MaxValue),
        new("2.3", [0x00, 0xFF, 0xFE, 0xFD, 0xFC, 0xFB, 0x00, 0xFF], int.MaxValue),
        new("2.4", Enumerable.Repeat((byte)0xFE, 125).ToArray(), int.MaxValue),
        new("2.6", Enumerable.Repeat((byte)0xFE, 125).ToArray(), 1),
    ];

    [Theory]
    [MemberData(nameof(Pings))]
    public async Task Ping_WithPayload_AnsweredByPongWithSamePayload(Case c)
    {
        await using var client = await node.OpenAsync();

        await client.WriteChoppedAsync(Peer.Frame(OpCode.Ping, c.Payload), c.Chop);

        await Peer.ExpectAsync(client, OpCode.Pong, c.Payload);
        await Peer.CloseCleanlyAsync(client);
    }

    [Fact]
    public async Task Ping_PayloadOver125Bytes_FailsWith1002() // 2.5
    {
        await using var client = await node.OpenAsync();

        await client.WriteAsync(Peer.Frame(OpCode.Ping, Enumerable.Repeat((byte)0xFE, 126).ToArray()));

        await Peer.ExpectCloseAsync(client, 1002);
    }

    [Theory]
    [InlineData(0)]  // 2.7
    [InlineData(24)] // 2.8
    public async Task UnsolicitedPong_Ignored_NextFrameIsTheCloseAnswer(int length)
    {
        await using var client = await node.OpenAsync();

        await client.WriteAsync(Peer.Frame(OpCode.Pong, new byte[length]));

        await Peer.CloseCleanlyAsync(client);
    }

    [Fact]
    public async Task UnsolicitedPongThenPing_OnlyThePingAnswered() // 2.9
    {
        await using var client = await node.OpenAsync();

        await client.WriteAsync([.. Peer.Frame(OpCode.Pong, Peer.Utf8("unsolicited pong payload")),
            .. Peer.Frame(OpCode.Ping, Peer.Utf8("ping payload"))]);

        await Peer.ExpectAsync(client, OpCode.Pong, Peer.Utf8("ping payload"));
        await Peer.CloseCleanlyAsync(client);
    }

    [Theory]
    [InlineData(int.MaxValue)] // 2.10: ten pings in one write
    [InlineData(1)]            // 2.11: the same ten pings one byte per write
    public async Task TenPings_InARow_TenPongsInOrder(int chop)
    {
        await using var client = await node.OpenAsync();
        var pings = Enumerable.Range(0, 10).Select(i => Peer.Utf8($"payload-{i}")).ToArray();

        await client.WriteChoppedAsync(pings.SelectMany(p => Peer.Frame(OpCode.Ping, p)).ToArray(), chop);

        foreach (var ping in pings)
            await Peer.ExpectAsync(client, OpCode.Pong, ping);
        await Peer.CloseCleanlyAsync(client);
    }
}
