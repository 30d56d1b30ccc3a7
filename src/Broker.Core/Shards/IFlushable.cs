namespace Broker.Core.Shards;

/// <summary>Something on a shard that buffers bytes during a round and sends them in one go at its end.</summary>
public interface IFlushable
{
    /// <summary>Called on the shard's thread once per round in which <see cref="Shard.MarkDirty"/> named it.</summary>
    void Flush();
}
