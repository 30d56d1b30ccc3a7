using Akka.Actor;
using Broker.Core.Backplane;
using Broker.Core.Connections;
using Broker.Core.Metrics;
using Broker.Core.Namespaces;
using Broker.Core.Topics;

namespace Broker.Core.PubSub;

/// <summary>What every <see cref="PubSubHandler"/> on a node shares.</summary>
/// <param name="Registry">The node's topic registry actor (<see cref="TopicRegistry.Props"/>).</param>
/// <param name="Backplane">Where publishes go (also those whose subscribers are local).</param>
/// <param name="Settings">The limits of <c>broker.limits</c>.</param>
/// <param name="Traffic">Node-wide message counters.</param>
/// <param name="Namespaces">Per-topic options (history size for recovery and the history command).</param>
/// <param name="Outbound">The node's outbound budget: over it, subscribes are refused (null: none).</param>
public sealed record PubSubServices(IActorRef Registry, IBackplane Backplane, PubSubSettings Settings, TrafficCounters Traffic,
    NamespaceTable Namespaces, OutboundBudget? Outbound = null)
{
    /// <summary>The publish path shared with the HTTP API, over <see cref="Backplane"/>.</summary>
    public Publisher Publisher { get; } = new(Backplane, Settings, Traffic);
}
