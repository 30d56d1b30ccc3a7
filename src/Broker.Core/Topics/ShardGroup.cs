using Broker.Core.Connections;
using Broker.Core.Shards;

namespace Broker.Core.Topics;

/// <summary>
/// The subscribers of one key that live on <paramref name="Shard"/> (immutable: part of a route snapshot). A message is
/// posted to the shard as this group plus the shared frame, which run there by writing the frame to each member: the
/// group lives as long as the snapshot, so a message costs a queue slot per shard and no object.
/// </summary>
internal sealed record ShardGroup(Shard Shard, Subscriber[] Members) : IItemRunnable
{
    /// <summary>Queues <paramref name="frame"/> for the members, counted against the shard's delivery budget.</summary>
    public void Fan(SharedFrame frame) => Shard.PostDeliveries(this, frame, Members.Length);

    void IItemRunnable.Run(object item)
    {
        var frame = (SharedFrame)item;
        var except = frame.ExceptClient;
        foreach (var member in Members)
        {
            if (except is null || !string.Equals(member.Client, except, StringComparison.Ordinal))
                member.Deliver(frame);
        }
    }
}
