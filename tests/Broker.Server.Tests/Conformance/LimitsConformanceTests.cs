using Broker.Protocol.Framing;

namespace Broker.Server.Tests.Conformance;

/// <summary>
/// Autobahn 9.x on the shipped limit (broker.websocket.max-message-bytes = 1 MiB): large messages up to the limit are
/// echoed however they are framed or chopped, and one byte beyond it fails with 1009 (RFC 6455 §7.4.1), fragmented or not.
/// </summary>
public sealed class LimitsConformanceTests(EchoNode node) : IClassFixture<EchoNode>
{
    private const int Max = 1 << 20;

    /// <param name="Fragment">Payload bytes per frame.</param>
    /// <param name="Chop">Bytes per TCP write.</param>
    public sealed record Case(string Id, OpCode OpCode, int Length, int Fragment, int Chop)
    {
        public override string ToString() => $"{Id} {OpCode} {Length} bytes in frames of {Math.Min(Fragment, Length)}, writes of {Chop}";
    }

    public static TheoryData<Case> Cases()
    {
        var data = new TheoryData<Case>();
        foreach (var (group, opCode) in new[] { ("9.1", OpCode.Text), ("9.2", OpCode.Binary) })
        {
            data.Add(new($"{group}.1", opCode, 64 << 10, Max, Max));
            data.Add(new($"{group}.2", opCode, 256 << 10, Max, Max));
            data.Add(new($"{group}.3", opCode, Max, Max, Max));
        }
        foreach (var (group, opCode) in new[] { ("9.3", OpCode.Text), ("9.4", OpCode.Binary) })
        {
            int[] fragments = [64, 256, 1 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, Max];
            for (var i = 0; i < fragments.Length; i++)
                data.Add(new($"{group}.{i + 1}", opCode, Max, fragments[i], Max));
        }
        foreach (var (group, opCode) in new[] { ("9.5", OpCode.Text), ("9.6", OpCode.Binary) })
        {
            data.Add(new($"{group}.1", opCode, Max, Max, 64));
            data.Add(new($"{group}.6", opCode, Max, Max, 2048));
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task LargeMessage_UpToLimit_EchoedIntact(Case c)
    {
        await using var client = await node.OpenAsync();
        var payload = new byte[c.Length];
        Array.Fill(payload, c.OpCode == OpCode.Text ? (byte)'*' : (byte)0xFE);
        var frames = new List<byte>();
        for (var offset = 0; offset < c.Length; offset += c.Fragment)
        {
            var end = Math.Min(c.Length, offset + c.Fragment);
            frames.AddRange(Peer.Frame(offset == 0 ? c.OpCode : OpCode.Continuation, payload[offset..end], fin: end == c.Length));
        }

        await client.WriteChoppedAsync(frames.ToArray(), c.Chop);

        await Peer.ExpectAsync(client, c.OpCode, payload);
        await Peer.CloseCleanlyAsync(client);
    }

    // Only the header and the start of the payload go out: the server fails on the length, before the payload arrives
    // (and writing the rest into a closed socket would only race the Close).
    [Theory]
    [InlineData(OpCode.Text)]
    [InlineData(OpCode.Binary)]
    public async Task Message_OneByteOverLimit_FailsWith1009(OpCode opCode)
    {
        await using var client = await node.OpenAsync();

        await client.WriteAsync(Peer.Frame(opCode, new byte[Max + 1])[..1000]);

        await Peer.ExpectCloseAsync(client, 1009);
    }

    [Fact]
    public async Task FragmentedMessage_OverLimitTogether_FailsWith1009()
    {
        await using var client = await node.OpenAsync();

        await client.WriteAsync(Peer.Frame(OpCode.Binary, new byte[Max / 2], fin: false));
        await client.WriteAsync(Peer.Frame(OpCode.Continuation, new byte[(Max / 2) + 1])[..1000]);

        await Peer.ExpectCloseAsync(client, 1009);
    }
}
