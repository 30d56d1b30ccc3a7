using System.Globalization;
using System.IO.Pipelines;
using System.Text;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Broker.Core.Connections;
using Broker.Core.PubSub;
using Broker.Core.Settings;
using Broker.Core.Shards;
using Broker.Core.Tests.Shards;
using Broker.Core.Topics;
using Broker.Protocol.Compression;

namespace Broker.Core.Tests.PubSub;

/// <summary>The handler inside a real connection actor over in-memory pipes, with a backplane that can go down.</summary>
public sealed class PubSubHandlerTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    // A long close-timeout: a closing connection stays alive, so leaving topics must not wait for DeathWatch.
    private static readonly WebSocketSettings Settings = new(1 << 20, null, TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(5), 1 << 20, 100, [], new DeflateSettings(Enabled: false), TimeSpan.FromMinutes(1), 100);

    private readonly FlakyBackplane _backplane = new();
    private readonly IActorRef _registry;
    private readonly PubSubServices _services;

    private readonly ShardSet _shards;

    public PubSubHandlerTests() : base(BrokerHocon.Load())
    {
        _shards = TestShards.Start(Sys);
        var router = new TopicRouter();
        _backplane.StartAsync(router, CancellationToken.None).GetAwaiter().GetResult();
        var settings = new PubSubSettings(TimeSpan.FromHours(1), 10, 1000, null, 10, 100);
        _registry = Sys.ActorOf(TopicRegistry.Props(_backplane, router, settings));
        _services = new PubSubServices(_registry, _backplane, settings, new ConnectionCounters().Traffic,
            Broker.Core.Tests.Backplane.TestNamespaces.Default);
    }

    [Fact]
    public async Task Publish_BackplaneDown_BackplaneUnavailableWithIdThenRecovers()
    {
        await using var client = Open();
        _backplane.Down = true;

        await client.SendAsync("""{"type":"publish","id":"a","topic":"t","data":1}""");
        var error = await client.ReceiveAsync();
        _backplane.Down = false;
        await client.SendAsync("""{"type":"publish","id":"b","topic":"t","data":2}""");
        var ack = await client.ReceiveAsync();

        Assert.Equal("backplane_unavailable", error.GetProperty("code").GetString());
        Assert.Equal("a", error.GetProperty("id").GetString());
        Assert.Equal("""{"type":"ack","id":"b","topic":"t","offset":1}""", ack.GetRawText()); // the failed one took no offset
    }

    [Fact]
    public async Task Subscribe_BackplaneDown_BackplaneUnavailableAndNotHeld()
    {
        await using var client = Open();
        _backplane.Down = true;

        await client.SendAsync("""{"type":"subscribe","id":1,"topic":"t"}""");
        var error = await client.ReceiveAsync();
        _backplane.Down = false;
        await client.SendAsync("""{"type":"subscribe","id":2,"topic":"t"}""");
        var ack = await client.ReceiveAsync();
        await client.SendAsync("""{"type":"publish","topic":"t","data":"x"}""");

        Assert.Equal("backplane_unavailable", error.GetProperty("code").GetString());
        Assert.Equal(1, error.GetProperty("id").GetInt32());
        Assert.Equal(("ack", 2, 0L), (ack.GetProperty("type").GetString(), ack.GetProperty("id").GetInt32(),
            ack.GetProperty("offset").GetInt64()));
        Assert.Equal("x", (await client.ReceiveAsync()).GetProperty("data").GetString());
    }

    [Fact]
    public async Task Close_SubscribedConnection_LeavesEveryTopicWhileAwaitingPeerClose()
    {
        await using var client = Open();
        await client.SendAsync("""{"type":"subscribe","id":1,"topic":"a"}""");
        await client.SendAsync("""{"type":"subscribe","id":2,"topic":"b.*"}""");
        await client.ReceiveAsync();
        await client.ReceiveAsync();

        client.Connection.Tell(new Connection.Close(Protocol.CloseStatus.NormalClosure));

        await AwaitAssertAsync(async () =>
        {
            var topics = await _registry.Ask<TopicRegistry.TopicList>(TopicRegistry.GetTopics.Instance, Wait);
            Assert.Equal([new TopicInfo("a", 0), new TopicInfo("b.*", 0)], topics.Topics);
        }, Wait);
    }

    [Fact]
    public async Task Subscribe_SinceOnTwoTopicsBeyondHalfTheOutbox_EachReplayWholeInOrderThenLive()
    {
        // Outbox bound 10 and 60 missed messages per topic, so each replay waits for room several times; the pipe to the
        // client holds one byte before its flush waits, so the outbox drains only as fast as the client reads.
        const int missed = 60;
        var settings = Settings with { MaxQueuedMessages = 10 };
        await using var client = Open(settings, new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1));
        var epochs = new Dictionary<string, string>();
        foreach (var topic in new[] { "a", "b" })
        {
            for (var n = 1; n <= missed; n++)
                await _backplane.PublishAsync(topic, Encoding.UTF8.GetBytes(n.ToString(CultureInfo.InvariantCulture)));
            epochs[topic] = (await _backplane.PositionAsync(topic)).Epoch;
        }

        await client.SendAsync(Since(1, "a", epochs["a"]));
        await client.SendAsync(Since(2, "b", epochs["b"]));
        var received = new Dictionary<string, List<long>> { ["a"] = [], ["b"] = [] };
        var acks = 0;
        while (acks < 2 || received.Values.Any(offsets => offsets.Count < missed))
        {
            var message = await client.ReceiveAsync();
            if (message.GetProperty("type").GetString() == "ack")
            {
                Assert.True(message.GetProperty("recovered").GetBoolean());
                acks++;
                continue;
            }
            received[message.GetProperty("topic").GetString()!].Add(message.GetProperty("offset").GetInt64());
        }
        await client.SendAsync("""{"type":"publish","topic":"a","data":"live"}""");
        var live = await client.ReceiveAsync();

        Assert.Equal(Enumerable.Range(1, missed).Select(n => (long)n), received["a"]);
        Assert.Equal(Enumerable.Range(1, missed).Select(n => (long)n), received["b"]);
        Assert.Equal(("message", "a", missed + 1L), (live.GetProperty("type").GetString(),
            live.GetProperty("topic").GetString(), live.GetProperty("offset").GetInt64()));
    }

    private static string Since(int id, string topic, string epoch) =>
        $$$"""{"type":"subscribe","id":{{{id}}},"topic":"{{{topic}}}","since":{"offset":0,"epoch":"{{{epoch}}}"}}""";

    private PipeClient Open(WebSocketSettings? settings = null, PipeOptions? toClientOptions = null)
    {
        var toServer = new Pipe();
        var toClient = new Pipe(toClientOptions ?? PipeOptions.Default);
        var setup = new ConnectionSetup(new PipeClient.Duplex(toServer.Reader, toClient.Writer), () => { },
            new PubSubHandler(_services), null, null, settings ?? Settings, new ConnectionCounters());
        return new PipeClient(Sys.ActorOf(Connection.Props(setup, _shards.Next())), toServer.Writer, toClient.Reader);
    }
}
