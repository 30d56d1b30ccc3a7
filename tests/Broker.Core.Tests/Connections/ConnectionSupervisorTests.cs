using System.Buffers;
using Akka.Actor;
using System.IO.Pipelines;
using Akka.TestKit.Xunit2;
using Broker.Core.Connections;
using Broker.Core.Settings;
using Broker.Protocol;
using Broker.Protocol.Compression;
using Broker.Core.Tests.PubSub;
using Broker.Core.Tests.Shards;

namespace Broker.Core.Tests.Connections;

public sealed class ConnectionSupervisorTests() : TestKit(BrokerHocon.Load())
{
    private static readonly WebSocketSettings Settings = new(1 << 20, null, TimeSpan.FromMinutes(5),
        TimeSpan.FromMilliseconds(300), 1 << 20, 100, [], new DeflateSettings(Enabled: false), TimeSpan.FromMinutes(1), 100);

    // Issue 10 item 9: a handshake that passed the stopping check just before shutdown began opens its connection after
    // CloseAll; it must still be closed with 1001 rather than live on until the ActorSystem stops it (1011).
    [Fact]
    public async Task Open_AfterCloseAll_ClosesNewConnectionWith1001()
    {
        var supervisor = Sys.ActorOf(ConnectionSupervisorActor.Props(Settings, TestShards.Start(Sys)));
        var toServer = new Pipe();
        var toClient = new Pipe();
        var setup = new ConnectionSetup(new PipeClient.Duplex(toServer.Reader, toClient.Writer), () => { }, EchoHandler.Instance,
            null, null, Settings, new ConnectionCounters());

        supervisor.Tell(new ConnectionSupervisor.CloseAll(CloseStatus.GoingAway));
        supervisor.Tell(new ConnectionSupervisor.Open(setup));

        var frame = await ReadAtLeastAsync(toClient.Reader, 4);
        Assert.Equal(0x88, frame[0]);                      // FIN + Close
        Assert.Equal(1001, (frame[2] << 8) | frame[3]);
    }

    private static async Task<byte[]> ReadAtLeastAsync(PipeReader reader, int count)
    {
        while (true)
        {
            var result = await reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            if (result.Buffer.Length >= count)
                return result.Buffer.Slice(0, count).ToArray();
            Assert.False(result.IsCompleted, "the connection ended without a Close frame");
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.End);
        }
    }
}
