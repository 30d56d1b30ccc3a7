using Akka.Actor;
using Akka.Cluster;
using Broker.Core.Backplane;
using Broker.Core.Connections;
using Broker.Core.Metrics;
using Broker.Core.Topics;
using Broker.Server.Metrics;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Server.Admin;

/// <summary>
/// Each node's own answer for the admin overview, at <c>/user/node-stats</c>: every two seconds it samples the node's
/// counters (keeping five minutes for the charts) and the topic registry, and answers <see cref="Request"/> with the
/// node's stats as JSON. Request and reply are plain strings, which Akka serializes natively between nodes, so no
/// serializer binding is needed and the JSON is the API's own format. In a cluster it also remembers members that left
/// in the last ten minutes, so the page can show a stopped node as down instead of letting it vanish.
/// </summary>
internal sealed class NodeStatsActor : ReceiveActor, IWithTimers
{
    public const string Name = "node-stats";
    public const string Request = "broker.admin.node-stats";

    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan TopicQuietAfter = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RememberDeparted = TimeSpan.FromMinutes(10);
    private const int SamplesKept = 150; // five minutes at SampleInterval

    private readonly NodeStatsSources _sources;
    private readonly LinkedList<NodeSample> _samples = new();
    private readonly Dictionary<string, TopicRate> _topicRates = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _departed = new(StringComparer.Ordinal);
    private IReadOnlyList<TopicInfo> _subscriptionKeys = [];

    public NodeStatsActor(NodeStatsSources sources)
    {
        _sources = sources;
        Receive<string>(request => request == Request, _ => Sender.Tell(NodeStatsJson.Write(_sources, _samples, _subscriptionKeys, _topicRates)));
        Receive<SampleTick>(_ => Sample());
        Receive<TopicRegistry.TopicList>(list => _subscriptionKeys = list.Topics);
        Receive<Status.Failure>(_ => { }); // a registry too busy to answer in time: keep the last topic list
        Receive<ClusterEvent.MemberRemoved>(removed => _departed[removed.Member.Address.ToString()] = Now());
        Receive<ClusterEvent.MemberUp>(up => _departed.Remove(up.Member.Address.ToString()));
        Receive<ClusterEvent.IClusterDomainEvent>(_ => { });
        Receive<GetDeparted>(_ => Sender.Tell(new Departed(_departed.ToDictionary())));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NodeStatsSources sources) => Akka.Actor.Props.Create(() => new NodeStatsActor(sources));

    protected override void PreStart()
    {
        if (Context.System is ExtendedActorSystem { Provider: ClusterActorRefProvider })
            AkkaCluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
                typeof(ClusterEvent.MemberRemoved), typeof(ClusterEvent.MemberUp));
        Sample();
        Timers.StartPeriodicTimer("sample", SampleTick.Instance, SampleInterval);
    }

    protected override void PostStop()
    {
        if (Context.System is ExtendedActorSystem { Provider: ClusterActorRefProvider })
            AkkaCluster.Get(Context.System).Unsubscribe(Self);
    }

    private void Sample()
    {
        var counters = _sources.Counters;
        var metrics = _sources.Metrics;
        var now = Now();
        _samples.AddLast(new NodeSample(now, counters.Open, counters.Traffic.Publishes.Value, counters.Traffic.Deliveries.Value,
            counters.SlowConsumers, counters.Traffic.QueuedBytes.Value, metrics.LagSeconds.Sum, metrics.LagSeconds.Count,
            metrics.PublishSeconds.Sum, metrics.PublishSeconds.Count));
        if (_samples.Count > SamplesKept)
            _samples.RemoveFirst();
        SampleTopics(now);
        _sources.Registry.Ask<TopicRegistry.TopicList>(TopicRegistry.GetTopics.Instance, SampleInterval).PipeTo(Self);
        foreach (var (address, at) in _departed.ToArray())
            if (now - at > RememberDeparted.TotalMilliseconds)
                _departed.Remove(address);
    }

    private void SampleTopics(long now)
    {
        foreach (var (topic, offset) in _sources.Activity.Snapshot())
        {
            if (!_topicRates.TryGetValue(topic, out var last))
            {
                _topicRates[topic] = new TopicRate(offset, now, now, 0);
                continue;
            }
            var seconds = Math.Max(0.001, (now - last.SampledAt) / 1000.0);
            var changed = offset != last.Offset;
            _topicRates[topic] = new TopicRate(offset, now, changed ? now : last.ChangedAt, Math.Max(0, offset - last.Offset) / seconds);
            if (!changed && now - last.ChangedAt > TopicQuietAfter.TotalMilliseconds)
            {
                _topicRates.Remove(topic);
                _sources.Activity.Forget(topic);
            }
        }
    }

    private static long Now() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private sealed class SampleTick
    {
        public static readonly SampleTick Instance = new();
    }

    /// <summary>Asks the local actor which members left recently (address → unix ms).</summary>
    public sealed class GetDeparted
    {
        public static readonly GetDeparted Instance = new();
    }

    public sealed record Departed(IReadOnlyDictionary<string, long> Members);
}

/// <summary>A topic's last offset, when it was sampled and last changed, and its message rate over the last interval.</summary>
internal readonly record struct TopicRate(long Offset, long SampledAt, long ChangedAt, double PerSecond);

/// <summary>What a node reports about itself.</summary>
internal sealed record NodeStatsSources(
    string Address,
    string Backplane,
    DateTimeOffset StartedAt,
    ConnectionCounters Counters,
    BrokerMetrics Metrics,
    IBackplane BackplaneState,
    TopicActivity Activity,
    IActorRef Registry);
