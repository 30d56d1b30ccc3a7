namespace Broker.Core.Shards;

/// <summary>
/// Work a long-lived object does once for each item posted with it (<see cref="Shard.PostDeliveries(IItemRunnable, object, int)"/>):
/// the item travels in the shard queue's slot, so posting allocates nothing. A topic's subscriber group on a shard is
/// posted this way with each message's frame.
/// </summary>
internal interface IItemRunnable
{
    /// <summary>Runs on the shard's thread for one posted <paramref name="item"/>.</summary>
    void Run(object item);
}
