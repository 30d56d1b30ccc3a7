using Broker.Protocol.Framing;

namespace Broker.Server.Tests.Conformance;

/// <summary>
/// Autobahn 3.x: a frame with RSV bits set and no extension that defines them fails the connection with 1002
/// (RFC 6455 §5.2), after the echo of every valid frame before it and before anything after it is answered.
/// </summary>
public sealed class ReservedBitsConformanceTests(EchoNode node) : IClassFixture<EchoNode>
{
    /// <param name="Rsv">The three RSV bits as Autobahn numbers them: 4 is RSV1, 2 is RSV2, 1 is RSV3.</param>
    /// <param name="FrameByFrame">One TCP write per frame rather than all of them in one.</param>
    public sealed record Case(string Id, OpCode OpCode, int Rsv, bool AfterValidText, bool FrameByFrame)
    {
        public override string ToString() => $"{Id} {OpCode} with RSV {Rsv}";
    }

    public static TheoryData<Case> Cases() =>
    [
        new("3.1", OpCode.Text, 1, false, false),
        new("3.2", OpCode.Text, 2, true, false),
        new("3.3", OpCode.Text, 3, true, false),
        new("3.4", OpCode.Text, 4, true, true),
        new("3.5", OpCode.Binary, 5, false, false),
        new("3.6", OpCode.Ping, 6, false, false),
        new("3.7", OpCode.Close, 7, false, false),
        new("3.x", OpCode.Pong, 4, true, true),
        new("3.x", OpCode.Binary, 4, true, false),
    ];

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Frame_WithReservedBits_EchoesEarlierFramesThenFailsWith1002(Case c)
    {
        await using var client = await node.OpenAsync();
        var hello = Peer.Utf8("Hello, world!");
        var payload = c.OpCode == OpCode.Close ? NormalClosePayload : hello;
        List<byte[]> frames = [Peer.Frame(c.OpCode, payload, rsv: c.Rsv), Peer.Frame(OpCode.Ping, hello)];
        if (c.AfterValidText)
            frames.Insert(0, Peer.Frame(OpCode.Text, hello));

        await Peer.SendIgnoringResetAsync(async () =>
        {
            if (c.FrameByFrame)
            {
                foreach (var frame in frames)
                    await client.WriteAsync(frame);
            }
            else
            {
                await client.WriteAsync(frames.SelectMany(f => f).ToArray());
            }
        });

        if (c.AfterValidText)
            await Peer.ExpectAsync(client, OpCode.Text, hello);
        await Peer.ExpectCloseAsync(client, 1002); // and no Pong for the ping after the bad frame
    }

    private static byte[] NormalClosePayload => [0x03, 0xE8]; // 1000
}
