using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Broker.Core.Connections;
using Broker.Core.Settings;
using Broker.Core.Shards;
using Broker.Core.Tests.Shards;
using Broker.Protocol.Compression;
using Broker.Protocol.Framing;

namespace Broker.Core.Tests.Connections;

/// <summary>Which bytes of a shared frame a connection writes, by its negotiated permessage-deflate parameters.</summary>
public sealed class ConnectionDeliverTests : TestKit
{
    private readonly ShardSet _shards;

    public ConnectionDeliverTests() : base(BrokerHocon.Load()) => _shards = TestShards.Start(Sys);

    private static readonly byte[] Message = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("shared message ", 30)));

    private static WebSocketSettings Settings(int threshold) => new(
        MaxMessageBytes: 1 << 20,
        PingInterval: null,
        IdleTimeout: TimeSpan.FromMinutes(5),
        CloseTimeout: TimeSpan.FromMilliseconds(300),
        MaxQueuedBytes: 1 << 20,
        MaxQueuedMessages: 100,
        Subprotocols: [],
        Deflate: new DeflateSettings(Enabled: true, CompressionThresholdBytes: threshold),
        MaxMessageDuration: TimeSpan.FromMinutes(1),
        MaxEmptyFragments: 100);

    public static TheoryData<DeflateParameters?, int, int?> Cases => new()
    {
        { null, 64, null },                                       // no compression negotiated: plain
        { new DeflateParameters(true, false, 11, 15), 64, 11 },   // no context takeover: the shared variant for 11 bits
        { new DeflateParameters(false, false, 15, 15), 64, null }, // context takeover: plain (always legal)
        { new DeflateParameters(true, false, 15, 15), 10_000, null }, // below the threshold: plain
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Deliver_NegotiatedDeflate_WritesSharedVariant(DeflateParameters? deflate, int threshold, int? expectedWindow)
    {
        var toServer = new Pipe();
        var toClient = new Pipe();
        var counters = new ConnectionCounters();
        var setup = new ConnectionSetup(new Duplex(toServer.Reader, toClient.Writer), () => { }, EchoHandler.Instance,
            deflate, null, Settings(threshold), counters);
        var connection = Sys.ActorOf(Connection.Props(setup, _shards.Next()));
        var shared = new SharedFrame(FrameWriter.Encode(OpCode.Text, Message));

        connection.Tell(new Connection.Deliver(shared));
        var expected = expectedWindow is { } bits ? shared.Deflated(bits).ToArray() : shared.Frame.ToArray();
        var written = await ReadExactlyAsync(toClient.Reader, expected.Length);

        Assert.Equal(expected, written);
        Assert.Equal(1, counters.Traffic.Deliveries.Value);
        await toServer.Writer.CompleteAsync();
    }

    private static async Task<byte[]> ReadExactlyAsync(PipeReader reader, int length)
    {
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (result.Buffer.Length >= length)
            {
                var bytes = result.Buffer.Slice(0, length).ToArray();
                reader.AdvanceTo(result.Buffer.GetPosition(length));
                return bytes;
            }
            Assert.False(result.IsCompleted, "the connection ended before the frame was written");
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }

    private sealed record Duplex(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
