namespace Broker.Core.Backplane;

/// <summary>
/// Where a backplane hands every message published to a topic this node subscribed to. Called sequentially per topic,
/// in offset order; the implementation only Tells an actor, it never blocks.
/// </summary>
public interface IBackplaneSink
{
    /// <summary>A message on <paramref name="topic"/> with the offset the backplane assigned. <paramref name="data"/> is immutable.</summary>
    void Deliver(string topic, long offset, ReadOnlyMemory<byte> data);
}
