using System.Net;
using Broker.Server.Tests.Support;
using Broker.Testing;

namespace Broker.Server.Tests.WebSockets;

/// <summary>broker.limits.max-connections-per-ip over real sockets from two loopback addresses (issue 10 item 6).</summary>
public sealed class ConnectionsPerIpTests
{
    private static readonly IPAddress First = IPAddress.Parse("127.0.0.1");
    private static readonly IPAddress Second = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Handshake_BeyondPerIpLimit_429ForThatAddressOnlyUntilOneCloses()
    {
        await using var broker = await TestBroker.StartAsync("broker.limits.max-connections-per-ip = 2");
        await using var a = await RawClient.OpenAsync(broker.Http, localAddress: First);
        await using var b = await RawClient.OpenAsync(broker.Http, localAddress: First);

        var refused = await HandshakeAsync(broker, First);
        await using var other = await RawClient.OpenAsync(broker.Http, localAddress: Second); // another peer: admitted
        await a.SendFrameAsync(0x8, RawClient.ClosePayload(1000));
        Assert.True(await a.ServerClosedTcpAsync());
        string? again = null;
        await Eventually.TrueAsync(async () => (again = await HandshakeAsync(broker, First)).StartsWith("HTTP/1.1 101"),
            RawClient.Timeout, "a handshake from the first address admitted after one of its connections closed");

        Assert.StartsWith("HTTP/1.1 429", refused);
        Assert.Equal(1, broker.Counters.HandshakeRejections.Snapshot().Single(r => r.Key == 429).Value);
    }

    [Fact]
    public async Task Handshake_PerIpLimitOff_ManyFromOneAddress()
    {
        await using var broker = await TestBroker.StartAsync(); // the default: off
        var clients = new List<RawClient>();
        for (var i = 0; i < 5; i++)
            clients.Add(await RawClient.OpenAsync(broker.Http, localAddress: First));

        Assert.Equal(5, broker.Counters.Open);
        foreach (var client in clients)
            await client.DisposeAsync();
    }

    // A fresh connection's handshake from the given address; returns the response head (the connection is dropped).
    private static async Task<string> HandshakeAsync(TestBroker broker, IPAddress from)
    {
        await using var client = await RawClient.ConnectAsync(broker.Http, localAddress: from);
        return await client.RequestAsync(
            $"GET /echo HTTP/1.1\r\nHost: {broker.Http.Authority}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    }
}
