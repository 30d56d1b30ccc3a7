using System.Text;
using Akka.Actor;
using Akka.TestKit;
using Broker.Core.Connections;
using Broker.Core.Shards;
using Broker.Core.Tests.Shards;
using Broker.Core.Topics;

namespace Broker.Core.Tests.Topics;

public class TopicRegistryTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Long = TimeSpan.FromHours(1);
    private readonly RecordingBackplane _backplane = new();
    private readonly TopicRouter _router = new();

    private readonly ShardSet _shards;
    private readonly Dictionary<IActorRef, Subscriber> _subscribers = [];

    public TopicRegistryTests()
    {
        _shards = TestShards.Start(Sys);
        _backplane.StartAsync(_router, CancellationToken.None).GetAwaiter().GetResult();
    }

    // One subscriber per probe, spread over the shards.
    private Subscriber Of(TestProbe probe)
    {
        if (!_subscribers.TryGetValue(probe.Ref, out var subscriber))
            _subscribers.Add(probe.Ref, subscriber = new ProbeSubscriber(_shards.Next(), probe.Ref));
        return subscriber;
    }

    private IActorRef Registry(TimeSpan idleTtl) =>
        Sys.ActorOf(TopicRegistry.Props(_backplane, _router, new PubSubSettings(idleTtl, 1000, 65536, null, 2000, 100)));

    private void Subscribe(IActorRef registry, string key, TestProbe probe)
    {
        registry.Tell(new TopicRegistry.Subscribe(key, Of(probe)), probe.Ref);
        probe.ExpectMsg<TopicRegistry.SubscribeAck>(a => Assert.Equal(key, a.Key));
    }

    private void Unsubscribe(IActorRef registry, string key, TestProbe probe)
    {
        registry.Tell(new TopicRegistry.Unsubscribe(key, Of(probe)), probe.Ref);
        probe.ExpectMsg<TopicRegistry.UnsubscribeAck>(a => Assert.Equal(key, a.Key));
    }

    private long Publish(string topic, string data = "1") =>
        _backplane.PublishAsync(topic, Encoding.UTF8.GetBytes(data)).AsTask().GetAwaiter().GetResult();

    private static DeliveredMessage Received(TestProbe probe) => DeliveredMessage.From(probe.ExpectMsg<Connection.Deliver>().Frame);

    private IReadOnlyList<TopicInfo> Topics(IActorRef registry) =>
        registry.Ask<TopicRegistry.TopicList>(TopicRegistry.GetTopics.Instance, RemainingOrDefault).GetAwaiter().GetResult().Topics;

    [Fact]
    public void Subscribe_FirstSubscriber_CreatesTopicAndSubscribesBackplaneOnce()
    {
        var registry = Registry(Long);
        var (a, b) = (CreateTestProbe(), CreateTestProbe());

        Subscribe(registry, "chat.lobby", a);
        Subscribe(registry, "chat.lobby", b);
        Subscribe(registry, "chat.lobby", b);

        Assert.Equal([new TopicInfo("chat.lobby", 2)], Topics(registry));
        Assert.Equal(["+chat.lobby"], _backplane.Calls);
    }

    [Fact]
    public void Publish_Subscribers_ReceiveTopicOffsetAndDataByteForByte()
    {
        var registry = Registry(Long);
        var probe = CreateTestProbe();
        Subscribe(registry, "chat.lobby", probe);

        Publish("chat.lobby", """{ "nick":"ann", "text":"h\u00e9" }""");

        Assert.Equal(new DeliveredMessage("chat.lobby", 1, """{ "nick":"ann", "text":"h\u00e9" }"""), Received(probe));
    }

    [Fact]
    public void Unsubscribe_LastSubscriber_TopicStopsAfterTtlAndBackplaneUnsubscribes()
    {
        var registry = Registry(TimeSpan.FromMilliseconds(100));
        var probe = CreateTestProbe();
        Subscribe(registry, "chat.lobby", probe);
        var topic = _router.Find("chat.lobby")!;
        Watch(topic);

        Unsubscribe(registry, "chat.lobby", probe);

        ExpectTerminated(topic);
        AwaitAssert(() => Assert.Equal(["+chat.lobby", "-chat.lobby"], _backplane.Calls));
        AwaitAssert(() => Assert.Empty(Topics(registry)));
        Assert.Null(_router.Find("chat.lobby"));
    }

    [Fact]
    public void Unsubscribe_NeverSubscribed_IsAcknowledged()
    {
        var registry = Registry(Long);

        Unsubscribe(registry, "nothing.here", CreateTestProbe());

        Assert.Empty(_backplane.Calls);
    }

    [Fact]
    public void Unsubscribe_EachSubscriber_IsRemovedAndLastOneReleasesTopic()
    {
        var registry = Registry(TimeSpan.FromMilliseconds(100));
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        Subscribe(registry, "t", a);
        Subscribe(registry, "t", b);
        var topic = _router.Find("t")!;
        Watch(topic);

        Unsubscribe(registry, "t", a);

        Assert.Equal([new TopicInfo("t", 1)], Topics(registry));
        Publish("t");
        Assert.Equal(1, Received(b).Offset);
        a.ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        Unsubscribe(registry, "t", b);

        ExpectTerminated(topic);
        AwaitAssert(() => Assert.Contains("-t", _backplane.Calls));
    }

    [Fact]
    public void Passivation_SubscribeArrivesWhileStopping_IsBufferedAndServedByFreshActor()
    {
        var registry = Registry(Long);
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        Subscribe(registry, "t", a);
        Unsubscribe(registry, "t", a);
        var topic = _router.Find("t")!;
        Watch(topic);

        // The idle actor's request reaches the registry first, then a subscribe for the same key.
        registry.Tell(new Topic.Passivate("t"), topic);
        registry.Tell(new TopicRegistry.Subscribe("t", Of(b)), b.Ref);

        b.ExpectMsg<TopicRegistry.SubscribeAck>();
        ExpectTerminated(topic);
        Publish("t");
        Assert.Equal(1, Received(b).Offset);
        Assert.Equal(["+t"], _backplane.Calls);
    }

    [Fact]
    public void Passivation_SubscribeForwardedBeforeStop_CancelsStop()
    {
        var registry = Registry(Long);
        var (a, b, c) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        Subscribe(registry, "t", a);
        Unsubscribe(registry, "t", a);
        var topic = _router.Find("t")!;

        // The subscribe is forwarded to the still-active actor, which then gets Stop while it has a subscriber.
        registry.Tell(new TopicRegistry.Subscribe("t", Of(b)), b.Ref);
        registry.Tell(new Topic.Passivate("t"), topic);

        b.ExpectMsg<TopicRegistry.SubscribeAck>();
        Subscribe(registry, "t", c);
        Publish("t");
        Assert.Equal(1, Received(b).Offset);
        Assert.Equal(1, Received(c).Offset);
        Assert.Same(topic, _router.Find("t"));
        Assert.Equal([new TopicInfo("t", 2)], Topics(registry));
    }

    [Fact]
    public void Passivation_TinyTtlWithChurn_NeverLosesASubscribe()
    {
        var registry = Registry(TimeSpan.FromMilliseconds(1));

        for (var i = 1; i <= 200; i++)
        {
            var probe = CreateTestProbe();
            Subscribe(registry, "churn", probe);
            Publish("churn");
            Assert.Equal(i, Received(probe).Offset);
            Unsubscribe(registry, "churn", probe);
        }
    }

    [Fact]
    public void Publish_OnePublisher_EverySubscriberGetsOffsetsInOrderWithoutGaps()
    {
        var registry = Registry(Long);
        var probes = Enumerable.Range(0, 5).Select(_ => CreateTestProbe()).ToArray();
        foreach (var probe in probes)
            Subscribe(registry, "t", probe);

        for (var i = 1; i <= 500; i++)
            Publish("t", i.ToString());

        foreach (var probe in probes)
            for (var i = 1; i <= 500; i++)
                Assert.Equal(new DeliveredMessage("t", i, i.ToString()), Received(probe));
    }

    [Fact]
    public async Task Publish_ConcurrentPublishers_EverySubscriberSeesOneIdenticalOrder()
    {
        var registry = Registry(Long);
        var probes = Enumerable.Range(0, 3).Select(_ => CreateTestProbe()).ToArray();
        foreach (var probe in probes)
            Subscribe(registry, "t", probe);
        const int threads = 4, perThread = 250;

        await Task.WhenAll(Enumerable.Range(0, threads).Select(t => Task.Run(async () =>
        {
            for (var i = 0; i < perThread; i++)
                await _backplane.PublishAsync("t", Encoding.UTF8.GetBytes($"\"{t}-{i}\""));
        })));

        var first = Enumerable.Range(0, threads * perThread).Select(_ => Received(probes[0])).ToList();
        Assert.Equal(Enumerable.Range(1, threads * perThread).Select(i => (long)i), first.Select(m => m.Offset));
        foreach (var probe in probes.Skip(1))
            Assert.Equal(first, Enumerable.Range(0, threads * perThread).Select(_ => Received(probe)));
    }

    [Fact]
    public void Publish_WildcardSubscriber_GetsConcreteTopicsWithTheirOwnOffsets()
    {
        var registry = Registry(Long);
        var probe = CreateTestProbe();
        Subscribe(registry, "chat.*", probe);

        Publish("chat.lobby");
        Publish("chat.lobby");
        Publish("chat.eu.lobby");
        Publish("news.lobby");
        Publish("chat.room");

        Assert.Equal(new DeliveredMessage("chat.lobby", 1, "1"), Received(probe));
        Assert.Equal(new DeliveredMessage("chat.lobby", 2, "1"), Received(probe));
        Assert.Equal(new DeliveredMessage("chat.room", 1, "1"), Received(probe));
    }

    [Fact]
    public void Publish_ManySubscribersAndMatchingKeys_ShareOneFrameInstance()
    {
        var registry = Registry(Long);
        var probes = Enumerable.Range(0, 3).Select(_ => CreateTestProbe()).ToArray();
        foreach (var probe in probes)
            Subscribe(registry, "chat.lobby", probe);
        Subscribe(registry, "chat.>", probes[0]);

        Publish("chat.lobby");

        var frames = probes.Select(p => p.ExpectMsg<Connection.Deliver>().Frame).Append(probes[0].ExpectMsg<Connection.Deliver>().Frame).ToList();
        Assert.All(frames, f => Assert.Same(frames[0], f));
    }

    [Fact]
    public void GetTopics_SeveralKeys_ListsSortedKeysWithCounts()
    {
        var registry = Registry(Long);
        var (a, b) = (CreateTestProbe(), CreateTestProbe());
        Subscribe(registry, "b", a);
        Subscribe(registry, "a.*", a);
        Subscribe(registry, "a.*", b);

        Assert.Equal([new TopicInfo("a.*", 2), new TopicInfo("b", 1)], Topics(registry));
    }

    [Fact]
    public void Subscribe_BackplaneFails_RejectsAndRetriesOnNextSubscribe()
    {
        var registry = Registry(Long);
        var probe = CreateTestProbe();
        _backplane.FailSubscribes = true;

        registry.Tell(new TopicRegistry.Subscribe("t", Of(probe)), probe.Ref);

        probe.ExpectMsg(new TopicRegistry.SubscribeRejected("t", "backplane_unavailable"));
        Assert.Empty(Topics(registry));
        _backplane.FailSubscribes = false;
        Subscribe(registry, "t", probe);
        Publish("t");
        Assert.Equal(1, Received(probe).Offset);
    }

    [Fact]
    public void TopicActorCrash_Subscribers_ReSubscribedToAFreshActorAndStillReceive()
    {
        var registry = Registry(Long);
        var (a, b, c) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe());
        Subscribe(registry, "chat.lobby", a);
        Subscribe(registry, "chat.lobby", b);
        Subscribe(registry, "other", c);
        var crashed = _router.Find("chat.lobby");
        Watch(crashed!);

        // A command the topic actor cannot handle (no subscriber) makes it throw; the registry stops it.
        registry.Tell(new TopicRegistry.Subscribe("chat.lobby", null!));
        ExpectTerminated(crashed);
        AwaitCondition(() => _router.Find("chat.lobby") is { } fresh && !fresh.Equals(crashed)
            && Topics(registry).Single(t => t.Key == "chat.lobby").Subscribers == 2);
        Publish("chat.lobby", "2");
        Publish("other", "3");

        Assert.Equal(new DeliveredMessage("chat.lobby", 1, "2"), Received(a));
        Assert.Equal(new DeliveredMessage("chat.lobby", 1, "2"), Received(b));
        Assert.Equal(new DeliveredMessage("other", 1, "3"), Received(c));
        Assert.Equal(["+chat.lobby", "+other"], _backplane.Calls); // the backplane subscription was kept
    }

    [Fact]
    public void Registry_Stopped_RemovesEveryRoute()
    {
        var registry = Registry(Long);
        var probe = CreateTestProbe();
        Subscribe(registry, "t", probe);
        Subscribe(registry, "t.*", probe);
        Watch(registry);

        Sys.Stop(registry);

        ExpectTerminated(registry);
        Assert.Null(_router.Find("t"));
        Assert.Null(_router.Find("t.*"));
    }
}
