using Broker.Protocol.Framing;

namespace Broker.Server.Tests.Conformance;

/// <summary>Autobahn 4.x: reserved opcodes 3–7 (data) and B–F (control) fail the connection with 1002 (RFC 6455 §5.2).</summary>
public sealed class OpcodeConformanceTests(EchoNode node) : IClassFixture<EchoNode>
{
    /// <param name="Chop">Bytes per TCP write.</param>
    public sealed record Case(string Id, int OpCode, int PayloadLength, bool BetweenTextAndPing, int Chop)
    {
        public override string ToString() => $"{Id} opcode 0x{OpCode:X}";
    }

    // Autobahn's pattern per group: empty, with payload, then inside text/ping traffic (the last one chopped).
    public static TheoryData<Case> Cases()
    {
        var data = new TheoryData<Case>();
        foreach (var (group, opCodes) in new[] { ("4.1", new[] { 3, 4, 5, 6, 7 }), ("4.2", new[] { 0xB, 0xC, 0xD, 0xE, 0xF }) })
        {
            data.Add(new($"{group}.1", opCodes[0], 0, false, int.MaxValue));
            data.Add(new($"{group}.2", opCodes[1], 13, false, int.MaxValue));
            data.Add(new($"{group}.3", opCodes[2], 0, true, int.MaxValue));
            data.Add(new($"{group}.4", opCodes[3], 13, true, int.MaxValue));
            data.Add(new($"{group}.5", opCodes[4], 13, true, 1));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Frame_WithReservedOpcode_FailsWith1002(Case c)
    {
        await using var client = await node.OpenAsync();
        var hello = Peer.Utf8("Hello, world!");
        var bad = Peer.Frame((OpCode)c.OpCode, new byte[c.PayloadLength]);
        byte[] stream = c.BetweenTextAndPing
            ? [.. Peer.Frame(OpCode.Text, hello), .. bad, .. Peer.Frame(OpCode.Ping, hello)]
            : bad;

        await Peer.SendIgnoringResetAsync(() => client.WriteChoppedAsync(stream, c.Chop));

        if (c.BetweenTextAndPing)
            await Peer.ExpectAsync(client, OpCode.Text, hello);
        await Peer.ExpectCloseAsync(client, 1002);
    }
}
