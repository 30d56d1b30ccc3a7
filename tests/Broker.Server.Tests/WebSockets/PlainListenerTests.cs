using System.Diagnostics;
using System.Text;
using Broker.Server.Tests.Support;
using Broker.Testing;

namespace Broker.Server.Tests.WebSockets;

/// <summary>
/// The broker's own plaintext listener: WebSocket handshakes on its own transport, everything else to Kestrel's HTTP,
/// and accepting through the per-process file limit.
/// </summary>
public sealed class PlainListenerTests
{
    private const string Handshake =
        "GET /echo HTTP/1.1\r\nHost: broker\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";

    [Fact]
    public async Task FrameInTheHandshakesSegment_IsReadAfterThe101()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var client = await RawClient.ConnectAsync(broker.Http);

        // One write: the peeked head is consumed exactly, the frame behind it stays for the connection's reader.
        await client.WriteAsync([.. Encoding.ASCII.GetBytes(Handshake), .. RawClient.EncodeFrame(0x1, "hello"u8.ToArray())]);

        Assert.StartsWith("HTTP/1.1 101", await client.ReadResponseHeadAsync());
        var echo = await client.ReadFrameAsync();
        Assert.Equal("hello", Encoding.UTF8.GetString(echo!.Payload));
    }

    [Fact]
    public async Task HandshakeInTwoSegments_IsStillAnswered()
    {
        await using var broker = await TestBroker.StartAsync();
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

    [Fact]
    public async Task SilentConnection_DoesNotHoldUpOthers_AndHttpIsServedOnTheSamePort()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var silent = await RawClient.ConnectAsync(broker.Http);

        await using var client = await RawClient.OpenAsync(broker.Http);
        await client.SendFrameAsync(0x1, "after"u8.ToArray());
        Assert.Equal("after", Encoding.UTF8.GetString((await client.ReadFrameAsync())!.Payload));
        using var http = new HttpClient { BaseAddress = broker.Http };
        Assert.True((await http.GetAsync("/healthz")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task AtTheFileLimit_AcceptWaits_ThenServesTheBacklogAsConnectionsClose()
    {
        await using var node = await BrokerProcess.StartAsync([]);
        // Room for 40 more descriptors: 80 handshakes run into the limit, and accepting must resume as clients leave.
        const int headroom = 40, connections = 80;
        var limit = Directory.GetFiles($"/proc/{node.ProcessId}/fd").Length + headroom;
        await SetFileLimitAsync(node.ProcessId, limit);

        var handshakes = Enumerable.Range(0, connections).Select(_ => RawClient.OpenAsync(node.HttpUri, "/ws")).ToList();
        await Eventually.TrueAsync(() => node.Log.Contains("Cannot accept connections", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30), "accepting refused at the file limit");
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
