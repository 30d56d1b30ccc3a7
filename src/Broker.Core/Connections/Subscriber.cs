using Broker.Core.Shards;

namespace Broker.Core.Connections;

/// <summary>
/// What a topic holds for each subscriber: the shard it lives on and how to hand it a shared frame. A topic groups its
/// subscribers by <see cref="Shard"/> and posts one fan-out item per shard, which calls <see cref="Deliver"/> for each
/// member on that shard's thread. Identity is the object's: one per connection.
/// </summary>
public abstract class Subscriber(Shard shard)
{
    /// <summary>The shard whose thread calls <see cref="Deliver"/>.</summary>
    public Shard Shard { get; } = shard;

    /// <summary>
    /// The connection's cluster-wide client id, set by its handler before it first joins a topic's presence: join and
    /// leave events about this client skip it.
    /// </summary>
    public string? Client { get; set; }

    /// <summary>Queues <paramref name="frame"/> for the subscriber; runs on <see cref="Shard"/>'s thread, never blocks.</summary>
    public abstract void Deliver(SharedFrame frame);
}
