using Broker.Protocol.Framing;

namespace Broker.Server.Tests.Conformance;

/// <summary>Autobahn 1.x: text and binary messages around every payload length encoding (RFC 6455 §5.2), whole and chopped.</summary>
public sealed class FramingConformanceTests(EchoNode node) : IClassFixture<EchoNode>
{
    /// <param name="Chop">Bytes per TCP write.</param>
    public sealed record Case(string Id, OpCode OpCode, int Length, int Chop)
    {
        public override string ToString() => $"{Id} {OpCode} {Length} bytes, writes of {Math.Min(Chop, Length + 14)}";
    }

    public static TheoryData<Case> Cases()
    {
        var data = new TheoryData<Case>();
        int[] lengths = [0, 125, 126, 127, 128, 65535, 65536];
        foreach (var (group, opCode) in new[] { ("1.1", OpCode.Text), ("1.2", OpCode.Binary) })
        {
            for (var i = 0; i < lengths.Length; i++)
                data.Add(new($"{group}.{i + 1}", opCode, lengths[i], int.MaxValue));
            data.Add(new($"{group}.8", opCode, 65536, 997));
            // Not in Autobahn: every short length once more with the frame fed one byte per TCP write.
            foreach (var length in lengths.Where(l => l <= 128))
                data.Add(new($"{group}.x", opCode, length, 1));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Message_OfLength_EchoedIntact(Case c)
    {
        await using var client = await node.OpenAsync();
        var payload = new byte[c.Length];
        Array.Fill(payload, c.OpCode == OpCode.Text ? (byte)'*' : (byte)0xFE);

        await client.WriteChoppedAsync(Peer.Frame(c.OpCode, payload), c.Chop);

        await Peer.ExpectAsync(client, c.OpCode, payload);
        await Peer.CloseCleanlyAsync(client);
    }
}
