using Akka.Actor;
using Broker.Core.Connections;
using Broker.Core.Shards;

namespace Broker.Core.Tests.Topics;

// A subscriber that forwards every frame its shard hands it to a test probe, as a Connection.Deliver.
internal sealed class ProbeSubscriber(Shard shard, IActorRef probe) : Subscriber(shard)
{
    public override void Deliver(SharedFrame frame) => probe.Tell(new Connection.Deliver(frame));
}
