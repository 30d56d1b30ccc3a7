using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Broker.Core.Backplane;
using Broker.Core.Connections;
using Broker.Core.Metrics;
using Broker.Core.Topics;
using Broker.Server.PubSub;
using Prometheus;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Server.Metrics;

/// <summary>
/// The node's Prometheus series (names are the interface dashboards are built on; docs/metrics.md lists them). Nothing
/// here runs per message: counters and gauges are copied from the node's striped counters when Prometheus scrapes
/// (a before-collect callback); only the two backplane histograms observe directly, once per backplane message.
/// One registry per node, so several nodes in one test process do not share series.
/// </summary>
internal sealed class BrokerMetrics
{
    // Publish → ack and publish → arrival on loopback are sub-millisecond; a cross-zone Redis is tens of ms.
    private static readonly double[] LatencyBuckets =
        [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    // A scrape waits at most this long for the topic registry's counts; past it, the last values stay.
    private static readonly TimeSpan RegistryTimeout = TimeSpan.FromSeconds(2);

    private static readonly string[] MemberStatuses = Enum.GetNames<MemberStatus>();

    private readonly Gauge _connections, _subscriptions, _topics, _queuedBytes, _backplaneUp, _members;
    private readonly Gauge _threadPoolThreads, _threadPoolQueue, _publishesInFlight;
    private readonly Counter _published, _deliveries, _slowConsumers, _closes, _handshakeRejections, _rateLimited, _readPauses;

    public BrokerMetrics()
    {
        Registry = Prometheus.Metrics.NewCustomRegistry();
        var factory = Prometheus.Metrics.WithCustomRegistry(Registry);
        _connections = factory.CreateGauge("broker_connections", "WebSocket connections open on this node.");
        _subscriptions = factory.CreateGauge("broker_subscriptions", "Subscriptions held by this node's connections.");
        _topics = factory.CreateGauge("broker_topics", "Subscription keys (topics and patterns) with subscribers on this node.");
        _queuedBytes = factory.CreateGauge("broker_outbound_queued_bytes", "Bytes waiting in this node's outbound queues.");
        _publishesInFlight = factory.CreateGauge("broker_publishes_in_flight",
            "WebSocket publishes parsed whose ack or error is not written yet (capped per connection by max-publishes-in-flight).");
        _readPauses = factory.CreateCounter("broker_read_pauses_total",
            "Times a connection stopped reading its socket because its publishes in flight reached a cap.");
        _backplaneUp = factory.CreateGauge("broker_backplane_up", "1 while the backplane accepts publishes, else 0.");
        _members = factory.CreateGauge("broker_cluster_members", "Cluster members by status, as this node sees them.", "status");
        _threadPoolThreads = factory.CreateGauge("dotnet_threadpool_threads", "Thread-pool threads.");
        _threadPoolQueue = factory.CreateGauge("dotnet_threadpool_queue_length", "Work items waiting for a thread-pool thread.");
        _published = factory.CreateCounter("broker_messages_published_total", "Publishes the backplane accepted (WebSocket and HTTP).");
        _deliveries = factory.CreateCounter("broker_deliveries_total", "Topic messages queued to subscribers (one per subscriber).");
        _slowConsumers = factory.CreateCounter("broker_slow_consumer_disconnects_total", "Connections closed with 4000 (outbound queue overflow).");
        _closes = factory.CreateCounter("broker_closes_total", "Close frames this node sent, by close code.", "code");
        _handshakeRejections = factory.CreateCounter("broker_handshake_rejections_total", "WebSocket handshakes refused, by HTTP status.", "status");
        _rateLimited = factory.CreateCounter("broker_rate_limited_total", "Commands refused by a rate limit, by kind.", "kind");
        PublishSeconds = factory.CreateHistogram("broker_backplane_publish_seconds",
            "Publish handed to the backplane → backplane ack (the offset).", new HistogramConfiguration { Buckets = LatencyBuckets });
        LagSeconds = factory.CreateHistogram("broker_backplane_lag_seconds",
            "Backplane publish (publishing node's clock) → arrival on this node.", new HistogramConfiguration { Buckets = LatencyBuckets });
        Timings = new BackplaneTimings { Publish = new PrometheusObserver(PublishSeconds), Lag = new PrometheusObserver(LagSeconds) };
        DotNetStats.Register(Registry); // GC collections, heap size, process CPU, memory, threads
    }

    public CollectorRegistry Registry { get; }

    /// <summary>broker_backplane_publish_seconds (the admin page reads its sum and count for recent means).</summary>
    public IHistogram PublishSeconds { get; }

    /// <summary>broker_backplane_lag_seconds.</summary>
    public IHistogram LagSeconds { get; }

    /// <summary>What the backplane reports its publish and lag durations to.</summary>
    public BackplaneTimings Timings { get; }

    /// <summary>Copies the node's counters into the series before every scrape.</summary>
    public void Bind(IServiceProvider services)
    {
        var counters = services.GetRequiredService<ConnectionCounters>();
        var backplane = services.GetRequiredService<IBackplane>();
        var registry = services.GetRequiredService<IRequiredActor<TopicRegistryKey>>();
        var system = new Lazy<ActorSystem>(services.GetRequiredService<ActorSystem>);
        Registry.AddBeforeCollectCallback(async cancel =>
        {
            Collect(counters, backplane);
            Collect(system.Value);
            await CollectTopicsAsync(registry, cancel);
        });
    }

    private void Collect(ConnectionCounters counters, IBackplane backplane)
    {
        var traffic = counters.Traffic;
        _connections.Set(counters.Open);
        _queuedBytes.Set(traffic.QueuedBytes.Value);
        _publishesInFlight.Set(traffic.PublishesInFlight.Value);
        _readPauses.IncTo(traffic.ReadPauses.Value);
        _backplaneUp.Set(backplane.IsHealthy ? 1 : 0);
        _published.IncTo(traffic.Publishes.Value);
        _deliveries.IncTo(traffic.Deliveries.Value);
        _slowConsumers.IncTo(counters.SlowConsumers);
        foreach (var (code, count) in counters.Closes.Snapshot())
            _closes.WithLabels(code.ToString(System.Globalization.CultureInfo.InvariantCulture)).IncTo(count);
        foreach (var (status, count) in counters.HandshakeRejections.Snapshot())
            _handshakeRejections.WithLabels(status.ToString(System.Globalization.CultureInfo.InvariantCulture)).IncTo(count);
        foreach (var (kind, count) in traffic.RateLimited.Snapshot())
            _rateLimited.WithLabels(kind).IncTo(count);
        _threadPoolThreads.Set(ThreadPool.ThreadCount);
        _threadPoolQueue.Set(ThreadPool.PendingWorkItemCount);
    }

    private void Collect(ActorSystem system)
    {
        var counts = MemberStatuses.ToDictionary(status => status, _ => 0, StringComparer.Ordinal);
        if (((ExtendedActorSystem)system).Provider is ClusterActorRefProvider)
        {
            foreach (var member in AkkaCluster.Get(system).State.Members)
                counts[member.Status.ToString()]++;
        }
        else
        {
            counts[nameof(MemberStatus.Up)] = 1; // one node without a cluster: itself
        }
        foreach (var (status, count) in counts)
            _members.WithLabels(status).Set(count);
    }

    private async Task CollectTopicsAsync(IRequiredActor<TopicRegistryKey> registry, CancellationToken cancel)
    {
        try
        {
            var list = await registry.ActorRef.Ask<TopicRegistry.TopicList>(TopicRegistry.GetTopics.Instance, RegistryTimeout, cancel);
            _topics.Set(list.Topics.Count);
            _subscriptions.Set(list.Topics.Sum(topic => (long)topic.Subscribers));
        }
        catch (Exception e) when (e is AskTimeoutException or OperationCanceledException)
        {
            // An overloaded node still answers the scrape, with the previous topic counts.
        }
    }
}
