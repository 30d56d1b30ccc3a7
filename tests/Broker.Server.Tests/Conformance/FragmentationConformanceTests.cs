using Broker.Protocol.Framing;

namespace Broker.Server.Tests.Conformance;

/// <summary>
/// Autobahn 5.x: fragmented messages are reassembled and echoed, control frames between fragments are answered at once
/// (RFC 6455 §5.4), and fragmented control frames or continuations out of order fail with 1002.
/// </summary>
public sealed class FragmentationConformanceTests(EchoNode node) : IClassFixture<EchoNode>
{
    private static readonly byte[] Frag1 = Peer.Utf8("fragment1"), Frag2 = Peer.Utf8("fragment2");

    public enum Delivery
    {
        AllAtOnce,
        FrameByFrame,
        Bytewise,
    }

    public sealed record Part(OpCode OpCode, byte[] Payload, bool Fin);

    public sealed record Case(string Id, string Title, Part[] Frames, Delivery Delivery)
    {
        public override string ToString() => $"{Id} {Title} ({Delivery})";
    }

    private static Part F(OpCode opCode, byte[] payload, bool fin = true) => new(opCode, payload, fin);

    public static TheoryData<Case> Valid()
    {
        var data = new TheoryData<Case>();
        var deliveries = new[] { Delivery.AllAtOnce, Delivery.Bytewise, Delivery.FrameByFrame };
        for (var i = 0; i < 3; i++)
        {
            data.Add(new($"5.{3 + i}", "text in 2 fragments", [F(OpCode.Text, Frag1, fin: false), F(OpCode.Continuation, Frag2)],
                deliveries[i]));
            data.Add(new($"5.{6 + i}", "text in 2 fragments, ping between", [F(OpCode.Text, Frag1, fin: false),
                F(OpCode.Ping, Peer.Utf8("ping")), F(OpCode.Continuation, Frag2)], deliveries[i]));
        }
        data.Add(new("5.19", "text in 5 fragments, pings after the 2nd and 4th", [F(OpCode.Text, Peer.Utf8("fragment1"), fin: false),
            F(OpCode.Continuation, Peer.Utf8("fragment2"), fin: false), F(OpCode.Ping, Peer.Utf8("pongme 1!")),
            F(OpCode.Continuation, Peer.Utf8("fragment3"), fin: false), F(OpCode.Continuation, Peer.Utf8("fragment4"), fin: false),
            F(OpCode.Ping, Peer.Utf8("pongme 2!")), F(OpCode.Continuation, Peer.Utf8("fragment5"))], Delivery.FrameByFrame));
        data.Add(new("5.20", "text in 5 fragments, pings after the 2nd and 4th", [F(OpCode.Text, Peer.Utf8("fragment1"), fin: false),
            F(OpCode.Continuation, Peer.Utf8("fragment2"), fin: false), F(OpCode.Ping, Peer.Utf8("pongme 1!")),
            F(OpCode.Continuation, Peer.Utf8("fragment3"), fin: false), F(OpCode.Continuation, Peer.Utf8("fragment4"), fin: false),
            F(OpCode.Ping, Peer.Utf8("pongme 2!")), F(OpCode.Continuation, Peer.Utf8("fragment5"))], Delivery.Bytewise));
        data.Add(new("5.x", "binary in 3 fragments, pong between", [F(OpCode.Binary, [1, 2], fin: false),
            F(OpCode.Pong, [9]), F(OpCode.Continuation, [3], fin: false), F(OpCode.Continuation, [4, 5])], Delivery.AllAtOnce));
        data.Add(new("5.x", "one-fragment message: text FIN=0, empty continuation", [F(OpCode.Text, Frag1, fin: false),
            F(OpCode.Continuation, [])], Delivery.FrameByFrame));
        data.Add(new("5.x", "empty text FIN=0, one-fragment body", [F(OpCode.Text, [], fin: false),
            F(OpCode.Continuation, Frag1)], Delivery.Bytewise));
        return data;
    }

    [Theory]
    [MemberData(nameof(Valid))]
    public async Task FragmentedMessage_Reassembled_PongsFirstThenOneEcho(Case c)
    {
        await using var client = await node.OpenAsync();

        await SendAsync(client, c);

        foreach (var ping in c.Frames.Where(f => f.OpCode == OpCode.Ping))
            await Peer.ExpectAsync(client, OpCode.Pong, ping.Payload);
        var data = c.Frames.Where(f => f.OpCode is OpCode.Text or OpCode.Binary or OpCode.Continuation).ToList();
        await Peer.ExpectAsync(client, data[0].OpCode, data.SelectMany(f => f.Payload).ToArray());
        await Peer.CloseCleanlyAsync(client);
    }

    public static TheoryData<Case> Invalid()
    {
        var data = new TheoryData<Case>
        {
            new("5.1", "ping in 2 fragments", [F(OpCode.Ping, Frag1, fin: false), F(OpCode.Continuation, Frag2)], Delivery.AllAtOnce),
            new("5.2", "pong in 2 fragments", [F(OpCode.Pong, Frag1, fin: false), F(OpCode.Continuation, Frag2)], Delivery.AllAtOnce),
            new("5.x", "close in 2 fragments", [F(OpCode.Close, [0x03], fin: false), F(OpCode.Continuation, [0xE8])], Delivery.AllAtOnce),
        };
        var deliveries = new[] { Delivery.AllAtOnce, Delivery.Bytewise, Delivery.FrameByFrame };
        for (var i = 0; i < 3; i++)
        {
            // 5.9–5.11 with FIN=1, 5.12–5.14 with FIN=0: a continuation with nothing to continue, then a valid message.
            data.Add(new($"5.{9 + i}", "continuation FIN=1 without a message", [F(OpCode.Continuation, Frag2),
                F(OpCode.Text, Frag1, fin: false), F(OpCode.Continuation, Frag2)], deliveries[i]));
            data.Add(new($"5.{12 + i}", "continuation FIN=0 without a message", [F(OpCode.Continuation, Frag2, fin: false),
                F(OpCode.Text, Frag1, fin: false), F(OpCode.Continuation, Frag2)], deliveries[i]));
        }
        data.Add(new("5.16", "continuations out of order", [F(OpCode.Continuation, Frag1, fin: false),
            F(OpCode.Text, Frag2, fin: false), F(OpCode.Continuation, Frag1)], Delivery.AllAtOnce));
        data.Add(new("5.18", "text in 2 fragments, both with the text opcode", [F(OpCode.Text, Frag1, fin: false),
            F(OpCode.Text, Frag2)], Delivery.AllAtOnce));
        data.Add(new("5.x", "binary inside a fragmented text message", [F(OpCode.Text, Frag1, fin: false),
            F(OpCode.Binary, Frag2)], Delivery.FrameByFrame));
        return data;
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task FragmentsOutOfOrder_FailWith1002(Case c)
    {
        await using var client = await node.OpenAsync();

        await Peer.SendIgnoringResetAsync(() => SendAsync(client, c));

        await Peer.ExpectCloseAsync(client, 1002);
    }

    [Theory]
    [InlineData(int.MaxValue)] // 5.15: the echo of the valid message comes first
    [InlineData(1)]
    public async Task ValidMessageThenStrayContinuation_EchoThenFail1002(int chop)
    {
        await using var client = await node.OpenAsync();

        await Peer.SendIgnoringResetAsync(() => client.WriteChoppedAsync([.. Peer.Frame(OpCode.Text, Frag1, fin: false),
            .. Peer.Frame(OpCode.Continuation, Frag2), .. Peer.Frame(OpCode.Continuation, Peer.Utf8("fragment3"), fin: false),
            .. Peer.Frame(OpCode.Text, Peer.Utf8("fragment4"))], chop));

        await Peer.ExpectAsync(client, OpCode.Text, [.. Frag1, .. Frag2]);
        await Peer.ExpectCloseAsync(client, 1002);
    }

    private static async Task SendAsync(Support.RawClient client, Case c)
    {
        var frames = c.Frames.Select(f => Peer.Frame(f.OpCode, f.Payload, f.Fin)).ToArray();
        switch (c.Delivery)
        {
            case Delivery.FrameByFrame:
                foreach (var frame in frames)
                    await client.WriteAsync(frame);
                break;
            case Delivery.Bytewise:
                await client.WriteChoppedAsync(frames.SelectMany(f => f).ToArray(), 1);
                break;
            default:
                await client.WriteAsync(frames.SelectMany(f => f).ToArray());
                break;
        }
    }}
