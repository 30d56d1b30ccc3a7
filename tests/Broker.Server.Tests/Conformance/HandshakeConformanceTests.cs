using Broker.Protocol.Framing;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Conformance;

/// <summary>
/// The opening handshake on the wire (RFC 6455 §4.2, RFC 7692 §5): the accept key, case-insensitive header tokens,
/// extension negotiation, and frames pipelined behind the request. Error statuses are in HttpEndpointTests.
/// </summary>
public sealed class HandshakeConformanceTests(EchoNode node) : IClassFixture<EchoNode>
{
    private const string Key = "dGhlIHNhbXBsZSBub25jZQ==";

    private string Request(string headers) =>
        $"GET /echo HTTP/1.1\r\nHost: {node.Broker.Http.Authority}\r\n{headers}Sec-WebSocket-Key: {Key}\r\nSec-WebSocket-Version: 13\r\n\r\n";

    private static string? Header(string head, string name) =>
        head.Split("\r\n").Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase))
            .Select(l => l[(name.Length + 1)..].Trim()).SingleOrDefault();

    [Theory]
    [InlineData("Upgrade: websocket\r\nConnection: Upgrade\r\n")]
    [InlineData("Upgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n")]
    [InlineData("upgrade: WEBSOCKET\r\nconnection: upgrade\r\n")]
    public async Task Handshake_RfcExampleKey_Returns101WithRfcAcceptValue(string upgradeHeaders)
    {
        await using var client = await RawClient.ConnectAsync(node.Broker.Http);

        var head = await client.RequestAsync(Request(upgradeHeaders));

        Assert.StartsWith("HTTP/1.1 101", head);
        Assert.Equal("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", Header(head, "Sec-WebSocket-Accept")); // RFC 6455 §1.3
        Assert.Equal("websocket", Header(head, "Upgrade"), ignoreCase: true);
        Assert.Contains("upgrade", Header(head, "Connection")!, StringComparison.OrdinalIgnoreCase);
        Assert.Null(Header(head, "Sec-WebSocket-Extensions"));
    }

    public static TheoryData<string, string?> Offers() => new()
    {
        { "permessage-deflate", "permessage-deflate" },
        { "permessage-deflate; client_max_window_bits", "permessage-deflate" },
        { "permessage-deflate; client_max_window_bits=10; server_max_window_bits=12",
            "permessage-deflate; server_max_window_bits=12; client_max_window_bits=10" },
        { "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover" },
        // RFC 7692 §5.1: an offer the server cannot accept is skipped for the client's next one.
        { "permessage-deflate; unknown_param, permessage-deflate; server_max_window_bits=9",
            "permessage-deflate; server_max_window_bits=9" },
        { "permessage-deflate; server_max_window_bits=8", null },
        { "permessage-deflate; server_max_window_bits=16", null },
        { "permessage-deflate; client_max_window_bits=1O", null },
        { "x-webkit-deflate-frame", null },
    };

    [Theory]
    [MemberData(nameof(Offers))]
    public async Task Handshake_DeflateOffer_AnsweredPerRfc7692(string offer, string? expected)
    {
        await using var client = await RawClient.ConnectAsync(node.Broker.Http);

        var head = await client.RequestAsync(Request($"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Extensions: {offer}\r\n"));

        Assert.StartsWith("HTTP/1.1 101", head);
        Assert.Equal(expected, Header(head, "Sec-WebSocket-Extensions"));
    }

    [Fact]
    public async Task Handshake_FramesPipelinedBehindRequest_Echoed()
    {
        await using var client = await RawClient.ConnectAsync(node.Broker.Http);
        var hello = Peer.Utf8("sent with the request");
        var request = System.Text.Encoding.ASCII.GetBytes(Request("Upgrade: websocket\r\nConnection: Upgrade\r\n"));

        await client.WriteAsync([.. request, .. Peer.Frame(OpCode.Text, hello)]);

        Assert.StartsWith("HTTP/1.1 101", await client.ReadResponseHeadAsync());
        await Peer.ExpectAsync(client, OpCode.Text, hello);
        await Peer.CloseCleanlyAsync(client);
    }
}
