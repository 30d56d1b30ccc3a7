using System.Text;
using Broker.Protocol.Framing;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Conformance;

/// <summary>
/// Autobahn 7.x: the closing handshake (RFC 6455 §5.5.1, §7): valid close codes are answered, invalid codes, 1-byte
/// payloads and oversized or non-UTF-8 reasons fail the connection, and nothing after the peer's Close is answered.
/// </summary>
public sealed class CloseConformanceTests(EchoNode node) : IClassFixture<EchoNode>
{
    private static readonly byte[] Hello = Peer.Utf8("Hello World!");

    [Fact]
    public async Task EchoThenClose_EchoedThenClosedCleanly() // 7.1.1
    {
        await using var client = await node.OpenAsync();

        await client.WriteAsync(Peer.Frame(OpCode.Text, Hello));

        await Peer.ExpectAsync(client, OpCode.Text, Hello);
        await Peer.CloseCleanlyAsync(client);
    }

    public static TheoryData<string, byte[]> FramesAfterClose() => new()
    {
        { "7.1.2 second close", Peer.Frame(OpCode.Close, RawClient.ClosePayload(1000)) },
        { "7.1.3 ping", Peer.Frame(OpCode.Ping, Hello) },
        { "7.1.4 text", Peer.Frame(OpCode.Text, Hello) },
        { "7.1.5 the rest of a fragmented text", Peer.Frame(OpCode.Continuation, Hello) },
    };

    [Theory]
    [MemberData(nameof(FramesAfterClose))]
    public async Task FrameAfterClose_NotAnswered(string id, byte[] late)
    {
        await using var client = await node.OpenAsync();
        var start = id.StartsWith("7.1.5", StringComparison.Ordinal) ? Peer.Frame(OpCode.Text, Hello, fin: false) : [];

        await client.WriteAsync([.. start, .. Peer.Frame(OpCode.Close, RawClient.ClosePayload(1000)), .. late]);

        await Peer.ExpectCloseAsync(client, 1000);
    }

    [Fact]
    public async Task LargeMessageThenCloseThenPing_EchoThenCloseAndNoPong() // 7.1.6
    {
        await using var client = await node.OpenAsync();
        var large = Encoding.ASCII.GetBytes(new string('B', 256 << 10));

        await client.WriteAsync([.. Peer.Frame(OpCode.Text, large), .. Peer.Frame(OpCode.Close, RawClient.ClosePayload(1000)),
            .. Peer.Frame(OpCode.Ping, Hello)]);

        await Peer.ExpectAsync(client, OpCode.Text, large);
        await Peer.ExpectCloseAsync(client, 1000);
    }

    public sealed record ClosePayloadCase(string Id, byte[] Payload, int Expected)
    {
        public override string ToString() => Id;
    }

    public static TheoryData<ClosePayloadCase> ClosePayloads() =>
    [
        new("7.3.1 no payload: answered with 1000", [], 1000),
        new("7.3.2 1-byte payload", [0x03], 1002),
        new("7.3.3 code only", RawClient.ClosePayload(1000), 1000),
        new("7.3.4 code and reason", RawClient.ClosePayload(1000, "Hello World!"), 1000),
        new("7.3.5 123-byte reason, the most that fits", RawClient.ClosePayload(1000, new string('*', 123)), 1000),
        new("7.3.6 124-byte reason", RawClient.ClosePayload(1000, new string('*', 124)), 1002),
        new("7.3.x 62 two-byte characters, a 124-byte reason", RawClient.ClosePayload(1000, new string('é', 62)), 1002),
        new("7.3.x 41 three-byte characters, a 123-byte reason", RawClient.ClosePayload(1000, new string('€', 41)), 1000),
        new("7.5.1 reason not UTF-8", [0x03, 0xE8, 0xCE, 0xBA, 0xE1, 0xBD, 0xB9, 0xCF, 0x83, 0xCE, 0xBC, 0xCE, 0xB5, 0xED, 0xA0, 0x80, 0x65, 0x64], 1007),
        new("7.5.x reason ends inside a code point", [0x03, 0xE8, 0x61, 0xE2, 0x82], 1007),
    ];

    [Theory]
    [MemberData(nameof(ClosePayloads))]
    public async Task Close_Payload_AnsweredWithCode(ClosePayloadCase c)
    {
        await using var client = await node.OpenAsync();

        await client.WriteAsync(Peer.Frame(OpCode.Close, c.Payload));

        await Peer.ExpectCloseAsync(client, c.Expected);
    }

    // 7.7.x: every code a peer may send is accepted; the server answers with the same code (§5.5.1 allows echoing it).
    [Theory]
    [InlineData(1000)]
    [InlineData(1001)]
    [InlineData(1002)]
    [InlineData(1003)]
    [InlineData(1007)]
    [InlineData(1008)]
    [InlineData(1009)]
    [InlineData(1010)]
    [InlineData(1011)]
    [InlineData(1012)]
    [InlineData(1013)]
    [InlineData(1014)]
    [InlineData(3000)]
    [InlineData(3999)]
    [InlineData(4000)]
    [InlineData(4999)]
    public async Task Close_ValidCode_Echoed(int code)
    {
        await using var client = await node.OpenAsync();

        await client.WriteAsync(Peer.Frame(OpCode.Close, RawClient.ClosePayload(code)));

        await Peer.ExpectCloseAsync(client, code);
    }

    // 7.9.x and 7.13.x: codes never valid on the wire (§7.4.1: 1004-1006 and 1015 are reserved, 1016-2999 unassigned,
    // 5000 and up undefined) fail the connection with 1002.
    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(1004)]
    [InlineData(1005)]
    [InlineData(1006)]
    [InlineData(1015)]
    [InlineData(1016)]
    [InlineData(1100)]
    [InlineData(2000)]
    [InlineData(2999)]
    [InlineData(5000)]
    [InlineData(65535)]
    public async Task Close_InvalidCode_FailsWith1002(int code)
    {
        await using var client = await node.OpenAsync();

        await client.WriteAsync(Peer.Frame(OpCode.Close, RawClient.ClosePayload(code)));

        await Peer.ExpectCloseAsync(client, 1002);
    }
}
