using System.Diagnostics;
using System.Text;
using Broker.Server.Tests.Support;
using Broker.Testing;

namespace Broker.Server.Tests.WebSockets;

/// <summary>
/// The broker's own plaintext listener: WebSocket handshakes on its own transport, everything else to Kestrel's HTTP,
/// and accepting through the per-process file limit. The transport's two ways of waiting for data (the epoll set, .NET's
/// zero-byte receives) both run the tests that involve reading.
/// </summary>
public sealed class PlainListenerTests
{
    private const string Handshake =
        "GET /echo HTTP/1.1\r\nHost: broker\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    [Theory]
    [MemberData(nameof(ReadPaths))]
    public async Task FrameInTheHandshakesSegment_IsReadAfterThe101(string epollReads)
    {
        await using var broker = await TestBroker.StartAsync($"broker.shards.epoll-reads = {epollReads}");
        await using var client = await RawClient.ConnectAsync(broker.Http);

        // One write: the peeked head is consumed exactly, the frame behind it stays for the connection's reader.
        await client.WriteAsync([.. Encoding.ASCII.GetBytes(Handshake), .. RawClient.EncodeFrame(0x1, "hello"u8.ToArray())]);

        Assert.StartsWith("HTTP/1.1 101", await client.ReadResponseHeadAsync());
        var echo = await client.ReadFrameAsync();
        Assert.Equal("hello", Encoding.UTF8.GetString(echo!.Payload));
    }

    [Theory]
    [MemberData(nameof(ReadPaths))]
    public async Task HandshakeInTwoSegments_IsStillAnswered(string epollReads)
    {
        await using var broker = await TestBroker.StartAsync($"broker.shards.epoll-reads = {epollReads}");
        await using var client = await RawClient.ConnectAsync(broker.Http);

        // Whether the listener peeks before or after the second half arrives, the handshake is served (on its own
        // transport, or through HTTP and the connection middleware): correct either way, so no timing is asserted.
        var head = Encoding.ASCII.GetBytes(Handshake);
        await client.WriteAsync(head[..20]);
        await client.WriteAsync(head[20..]);

        Assert.StartsWith("HTTP/1.1 101", await client.ReadResponseHeadAsync());
        await client.SendFrameAsync(0x1, "split"u8.ToArray());
        Assert.Equal("split", Encoding.UTF8.GetString((await client.ReadFrameAsync())!.Payload));
    }

    [Theory]
    [MemberData(nameof(ReadPaths))]
    public async Task SilentConnection_DoesNotHoldUpOthers_AndHttpIsServedOnTheSamePort(string epollReads)
    {
        await using var broker = await TestBroker.StartAsync($"broker.shards.epoll-reads = {epollReads}");
        await using var silent = await RawClient.ConnectAsync(broker.Http);

        await using var client = await RawClient.OpenAsync(broker.Http);
        await client.SendFrameAsync(0x1, "after"u8.ToArray());
        Assert.Equal("after", Encoding.UTF8.GetString((await client.ReadFrameAsync())!.Payload));
        using var http = new HttpClient { BaseAddress = broker.Http };
        Assert.True((await http.GetAsync("/healthz")).IsSuccessStatusCode);
    }

    [Theory]
    [MemberData(nameof(ReadPaths))]
    public async Task ConnectionsResetByPeers_EndAndTheirSlotsServeNewConnectionsWithoutCrossTalk(string epollReads)
    {
        await using var broker = await TestBroker.StartAsync($"broker.shards.epoll-reads = {epollReads}");
        var baseline = broker.Counters.Open;

        // Idle connections reset by their peers (no Close, no FIN) must end on the node; connections opened after
        // them take the freed slots (epoll) and each must read only its own frames.
        for (var round = 0; round < 3; round++)
        {
            var clients = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => RawClient.OpenAsync(broker.Http)));
            await Task.WhenAll(clients.Select(async (client, i) =>
            {
                var payload = Encoding.UTF8.GetBytes($"round {round} client {i}");
                await client.SendFrameAsync(0x1, payload);
                Assert.Equal(payload, (await client.ReadFrameAsync())!.Payload);
            }));
            foreach (var client in clients)
                client.Reset();
            await Eventually.TrueAsync(() => broker.Counters.Open == baseline, RawClient.Timeout,
                "reset connections ended on the node");
        }
    }

    public static TheoryData<string> ReadPaths => new() { "on", "off" };

    // With keep-alive HTTP clients first: Kestrel's connections, opened after the listener started, count against the
    // limit too, and the reserve must still stay free.
    [Theory]
    [InlineData(0)]
    [InlineData(30)]
    public async Task AtTheFileLimit_AcceptWaits_ThenServesTheBacklogAsConnectionsClose(int keepAliveHttpFirst)
    {
        await using var node = await BrokerProcess.StartAsync([]);
        var http = new List<RawClient>();
        for (var i = 0; i < keepAliveHttpFirst; i++)
        {
            var client = await RawClient.ConnectAsync(node.HttpUri);
            http.Add(client);
            await client.WriteAsync("GET /readyz HTTP/1.1\r\nHost: broker\r\n\r\n"u8.ToArray());
            Assert.StartsWith("HTTP/1.1 200", await client.ReadResponseHeadAsync());
        }
        // Room for 40 more descriptors: 80 handshakes run into the limit (less the reserve the listener keeps free for
        // the process), and accepting must resume as clients leave.
        const int headroom = 40, connections = 80;
        var open = Directory.GetFiles($"/proc/{node.ProcessId}/fd").Length;
        await SetFileLimitAsync(node.ProcessId, open + headroom);

        var handshakes = Enumerable.Range(0, connections).Select(_ => RawClient.OpenAsync(node.HttpUri, "/ws")).ToList();
        await Eventually.TrueAsync(() => node.Log.Contains("Not accepting connections", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "accepting paused at the descriptor budget");
        // The reserve (16 here) stays free while clients wait: the node never sits at its limit (the runtime needs
        // descriptors too). Half of it is checked: the node may open a descriptor or two of its own after the listener.
        Assert.True(Directory.GetFiles($"/proc/{node.ProcessId}/fd").Length <= open + headroom - 8,
            "the listener ate into the descriptors it keeps free");
        var served = 0;
        while (handshakes.Count > 0)
        {
            var done = await Task.WhenAny(handshakes);
            handshakes.Remove(done);
            await using var client = await done; // the 101 arrived; closing frees a descriptor for the backlog
            served++;
        }

        Assert.Equal(connections, served);
        Assert.False(node.HasExited);
        await using var after = await RawClient.OpenAsync(node.HttpUri);
        await after.SendFrameAsync(0x1, "still serving"u8.ToArray());
        Assert.Equal("still serving", Encoding.UTF8.GetString((await after.ReadFrameAsync())!.Payload));
        foreach (var client in http)
            await client.DisposeAsync();
    }

    private static async Task SetFileLimitAsync(int pid, int limit)
    {
        using var prlimit = Process.Start(new ProcessStartInfo("prlimit", $"--pid {pid} --nofile={limit}:{limit}")
        {
            RedirectStandardError = true,
        })!;
        var error = await prlimit.StandardError.ReadToEndAsync();
        await prlimit.WaitForExitAsync();
        Assert.True(prlimit.ExitCode == 0, $"prlimit failed: {error}");
    }
}
