using System.Buffers;
using System.Text;
using Akka.Actor;
using BenchmarkDotNet.Attributes;
using Broker.Core.Backplane;
using Broker.Core.Connections;
using Broker.Core.Namespaces;
using Broker.Core.PubSub;
using Broker.Core.Shards;
using Broker.Core.Topics;
using Broker.Protocol;
using Broker.Protocol.Framing;

namespace Broker.Benchmarks.PubSub;

/// <summary>
/// One client <c>publish</c> (the text frame's payload, with an id so it is acked) through everything a node does for
/// it short of sockets: parse, <see cref="PubSubHandler"/>, the embedded <see cref="InMemoryBackplane"/> (offset,
/// history), the <see cref="TopicRouter"/> (encode once) and the fan-out to four subscribers on two shards. The
/// subscribers count frames instead of queueing them, and the publishing connection counts its replies instead of
/// writing them, so what is measured is the publish path's own cost and allocation per message.
/// </summary>
[MemoryDiagnoser]
public class PublishPathBenchmarks
{
    private const string Topic = "room.42";
    private const int Subscribers = 4;

    private static readonly ReadOnlySequence<byte> Command = new(Encoding.UTF8.GetBytes(
        """{"type":"publish","id":7,"topic":"room.42","data":{"user":"alice","text":"hello, everybody in room 42"}}"""));

    private readonly CountingSubscriber[] _subscribers = new CountingSubscriber[Subscribers];
    private ActorSystem _system = null!;
    private ShardSet _shards = null!;
    private InMemoryBackplane _backplane = null!;
    private PubSubHandler _handler = null!;
    private CountingConnection _connection = null!;

    [GlobalSetup]
    public void Setup()
    {
        _system = ActorSystem.Create("publish-path", "akka.loglevel = WARNING");
        _shards = new ShardSet(new ShardSettings(2, 100_000, TimeSpan.FromMilliseconds(2), 32, SendOnShard: false, EpollReads: false));
        var namespaces = new NamespaceTable(new NamespaceOptions("default", ">", AccessRule.Anyone, AccessRule.Anyone,
            new HistoryOptions(100, TimeSpan.FromHours(1)), Presence: false, JoinLeave: false), []);
        var router = new TopicRouter();
        _backplane = new InMemoryBackplane(namespaces);
        _backplane.StartAsync(router, CancellationToken.None).GetAwaiter().GetResult();
        var settings = new PubSubSettings(TimeSpan.FromHours(1), 10, 1 << 20, null, 10, 100);
        var registry = _system.ActorOf(TopicRegistry.Props(_backplane, router, settings));
        for (var i = 0; i < Subscribers; i++)
        {
            _subscribers[i] = new CountingSubscriber(_shards.Next());
            registry.Ask<TopicRegistry.SubscribeAck>(new TopicRegistry.Subscribe(Topic, _subscribers[i]),
                TimeSpan.FromSeconds(10)).GetAwaiter().GetResult();
        }
        var services = new PubSubServices(registry, _backplane, settings, new ConnectionCounters().Traffic, namespaces);
        _handler = new PubSubHandler(services);
        _connection = new CountingConnection(_subscribers[0]);
        Publish();
        AwaitDeliveries(Subscribers);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        // A benchmark that acks without fanning out would measure the wrong path: every publish must reach everyone.
        AwaitDeliveries(_connection.Replies * Subscribers);
        _shards.Dispose();
        _backplane.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _system.Terminate().GetAwaiter().GetResult();
    }

    [Benchmark]
    public void Publish() => _handler.OnMessage(_connection, OpCode.Text, Command);

    private void AwaitDeliveries(long expected)
    {
        if (_connection.Closed is { } status)
            throw new InvalidOperationException($"the handler closed the connection: {status}");
        if (!SpinWait.SpinUntil(() => _subscribers.Sum(s => s.Frames) >= expected, TimeSpan.FromSeconds(30)))
            throw new InvalidOperationException($"{_subscribers.Sum(s => s.Frames)} of {expected} frames delivered");
    }

    private sealed class CountingSubscriber(Shard shard) : Subscriber(shard)
    {
        private long _frames;

        public long Frames => Volatile.Read(ref _frames);

        // Only this subscriber's shard thread writes.
        public override void Deliver(SharedFrame frame) => Volatile.Write(ref _frames, _frames + 1);
    }

    // The publisher's side of a connection: replies are counted, not encoded or written.
    private sealed class CountingConnection(Subscriber subscriber) : IConnectionContext
    {
        public long Replies { get; private set; }

        public CloseStatus? Closed { get; private set; }

        public IActorRef Self => ActorRefs.Nobody;

        public IActorContext ActorContext => throw new NotSupportedException("only an unexpected publish failure logs");

        public string? Subprotocol => null;

        public Subscriber Subscriber => subscriber;

        public DeliveryHoldBack HoldBack => throw new NotSupportedException("the publisher subscribes to nothing");

        public bool HasRoomForReplay => true;

        public void NotifyWhenRoomForReplay() => throw new NotSupportedException("the benchmark replays nothing");

        public void Send(OpCode opCode, ReadOnlySpan<byte> payload) => Replies++;

        public void Send(OpCode opCode, in ReadOnlySequence<byte> payload) => Replies++;

        public void DeliverPastHoldBack(SharedFrame frame)
        {
        }

        public void PauseReading()
        {
        }

        public void ResumeReading()
        {
        }

        public void Close(CloseStatus status) => Closed = status;
    }
}
