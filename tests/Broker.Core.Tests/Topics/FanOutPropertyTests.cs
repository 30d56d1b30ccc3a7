using Akka.Actor;
using Akka.TestKit.Xunit2;
using Broker.Core.Backplane;
using Broker.Core.Shards;
using Broker.Core.Tests.Shards;
using Broker.Core.Topics;
using Broker.Protocol.Client;
using FsCheck.Xunit;

namespace Broker.Core.Tests.Topics;

/// <summary>
/// Random subscribe/unsubscribe/publish interleavings over subscribers spread across three shards deliver exactly what
/// a single-threaded model says: every publish reaches each subscriber holding a matching key when it was published
/// (acks are awaited, so "holding" is well defined), once per matching key, in publish order; nothing else arrives.
/// </summary>
public sealed class FanOutPropertyTests : TestKit
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    // Exact keys first, then the pattern: the router posts the exact key's copy before the pattern's.
    private static readonly string[] Keys = ["a", "b", "p.x", "p.*"];
    private static readonly string[] Topics = ["a", "b", "p.x", "p.y"];
    private const int Subscribers = 7;

    private readonly ShardSet _shards;

    public FanOutPropertyTests() => _shards = TestShards.Start(Sys, count: 3);

    [Property(MaxTest = 40)]
    public void Interleavings_AcrossShards_DeliverExactlyWhatTheModelSays((byte Kind, byte Who, byte What)[] operations)
    {
        var backplane = new InMemoryBackplane(Broker.Core.Tests.Backplane.TestNamespaces.Default);
        var router = new TopicRouter();
        backplane.StartAsync(router, CancellationToken.None).GetAwaiter().GetResult();
        var registry = Sys.ActorOf(TopicRegistry.Props(backplane, router,
            new PubSubSettings(TimeSpan.FromHours(1), 1000, 65536, null, 2000, 100)));
        var subscribers = Enumerable.Range(0, Subscribers).Select(i => new RecordingSubscriber(_shards.Shards[i % 3])).ToArray();
        var held = subscribers.Select(_ => new SortedSet<string>(Comparer<string>.Create(KeyOrder))).ToArray();
        var expected = subscribers.Select(_ => new List<string>()).ToArray();

        foreach (var (kind, who, what) in operations)
        {
            var index = who % Subscribers;
            switch (kind % 3)
            {
                case 0:
                    var key = Keys[what % Keys.Length];
                    registry.Ask<TopicRegistry.SubscribeAck>(new TopicRegistry.Subscribe(key, subscribers[index]), Wait).Wait();
                    held[index].Add(key);
                    break;
                case 1:
                    var gone = Keys[what % Keys.Length];
                    registry.Ask<TopicRegistry.UnsubscribeAck>(new TopicRegistry.Unsubscribe(gone, subscribers[index]), Wait).Wait();
                    held[index].Remove(gone);
                    break;
                default:
                    var topic = Topics[what % Topics.Length];
                    var offset = backplane.PublishAsync(topic, "1"u8.ToArray()).AsTask().GetAwaiter().GetResult();
                    for (var s = 0; s < Subscribers; s++)
                        foreach (var k in held[s])
                            if (k == topic || (TopicName.IsPattern(k) && TopicPattern.Matches(k, topic)))
                                expected[s].Add($"{topic}#{offset}");
                    break;
            }
        }

        for (var s = 0; s < Subscribers; s++)
        {
            var subscriber = subscribers[s];
            var want = expected[s];
            AwaitCondition(() => subscriber.Count >= want.Count, Wait);
            Drain();
            Assert.Equal(want, subscriber.Received());
        }
        Sys.Stop(registry);
    }

    private static int KeyOrder(string a, string b) => Array.IndexOf(Keys, a).CompareTo(Array.IndexOf(Keys, b));

    // One round trip through every shard: whatever was queued before has run, so nothing more is on its way.
    private void Drain()
    {
        var done = _shards.Shards.Select(shard =>
        {
            var ran = new TaskCompletionSource();
            shard.Post(new Akka.Dispatch.ActionRunnable(() => ran.SetResult()));
            return ran.Task;
        }).ToArray();
        Task.WaitAll(done, Wait);
    }
}
