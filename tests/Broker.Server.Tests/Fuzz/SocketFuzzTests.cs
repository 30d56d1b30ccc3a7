using System.Net.Sockets;
using System.Text;
using Broker.Fuzz;
using Broker.Protocol.Framing;
using Broker.Testing;

namespace Broker.Server.Tests.Fuzz;

/// <summary>
/// Black-box fuzz over real sockets (issue 10, "Fuzzing"): many parallel connections send mutated handshakes, frames
/// and JSON commands to a broker process for a fixed time; afterwards the node answers /healthz, serves pub/sub to new
/// clients, and its RSS is within a bound of where it started. Seeds are fixed, so the traffic is the same every run
/// up to timing.
/// </summary>
public sealed class SocketFuzzTests
{
    private const int Connections = 32;
    private static readonly TimeSpan Duration = TimeSpan.FromSeconds(15);
    private const long RssGrowthBoundBytes = 200L << 20;

    private const string Handshake =
        "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: broker.v1\r\n"
        + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n";

    [Fact]
    public async Task Broker_ParallelMutatedTraffic_StaysHealthyAndServesPubSub()
    {
        await using var node = await BrokerProcess.StartAsync(["--config", await ConfigAsync()]);
        await PubSubRoundTripAsync(node, "warm.up");
        var rssBefore = Rss(node.ProcessId);

        var until = DateTime.UtcNow + Duration;
        var workers = Enumerable.Range(0, Connections).Select(i => Task.Run(() => HammerAsync(node, seed: i, until)));
        var sent = (await Task.WhenAll(workers)).Sum();

        Assert.False(node.HasExited, node.Log);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal("ok", await http.GetStringAsync(new Uri(node.HttpUri, "/healthz")));
        await PubSubRoundTripAsync(node, "after.fuzz");
        var growth = Rss(node.ProcessId) - rssBefore;
        Assert.True(growth < RssGrowthBoundBytes, $"RSS grew by {growth >> 20} MiB after {sent} fuzzed connections");
        Assert.True(sent > Connections, $"only {sent} connections were fuzzed");
    }

    // Small limits, so the fuzz reaches them: 64 KiB messages, 8 subscriptions.
    private static async Task<string> ConfigAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"broker-fuzz-{Guid.NewGuid():N}.conf");
        await File.WriteAllTextAsync(path,
            "broker.websocket.max-message-bytes = 65536\nbroker.limits.max-subscriptions-per-connection = 8\n");
        return path;
    }

    private static async Task<int> HammerAsync(BrokerProcess node, int seed, DateTime until)
    {
        var mutator = new Mutator(seed, 4096);
        var frames = FuzzTargets.Find("reader-deflate").Seeds.Concat(FuzzTargets.Find("reader").Seeds).Select(s => s[1..]).ToList();
        var commands = FuzzTargets.Find("commands").Seeds.Select(Masked).ToList();
        var handshakes = new List<byte[]> { Encoding.ASCII.GetBytes(Handshake) };
        var pool = frames.Concat(commands).Concat(handshakes).ToList();
        var count = 0;
        while (DateTime.UtcNow < until)
        {
            count++;
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(node.HttpUri.Host, node.HttpUri.Port);
                var stream = client.GetStream();
                // One in four handshakes is mutated; the rest get through to the frame parser.
                var handshake = mutator.Random.Next(4) == 0 ? mutator.Mutate(handshakes[0], pool) : handshakes[0];
                await stream.WriteAsync(handshake);
                for (var i = mutator.Random.Next(1, 20); i > 0; i--)
                {
                    var source = mutator.Random.Next(2) == 0 ? commands : frames;
                    var input = source[mutator.Random.Next(source.Count)];
                    await stream.WriteAsync(mutator.Random.Next(3) == 0 ? input : mutator.Mutate(input, pool));
                }
                using var drain = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
                var buffer = new byte[16 * 1024];
                while (await stream.ReadAsync(buffer, drain.Token) > 0)
                {
                }
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
            {
                // The broker closing or resetting a connection it judged bad is the expected outcome.
            }
        }
        return count;
    }

    // A client text frame carrying a JSON command.
    private static byte[] Masked(byte[] payload) => ClientFrameWriter.Encode(OpCode.Text, payload, maskKey: 0x04030201);

    private static async Task PubSubRoundTripAsync(BrokerProcess node, string topic)
    {
        await using var subscriber = await BrokerClient.ConnectAsync(node.WebSocketUri);
        await subscriber.SubscribeAsync(topic);
        await using var publisher = await BrokerClient.ConnectAsync(node.WebSocketUri);
        await publisher.PublishAsync(topic, "\"still here\"");
        var message = await subscriber.NextMessageAsync();
        Assert.Equal("still here", message.GetProperty("data").GetString());
    }

    private static long Rss(int pid)
    {
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
    }
}
