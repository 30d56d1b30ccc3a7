using Broker.Core.Presence;

namespace Broker.Core.Backplane;

/// <summary>
/// Where a backplane hands every message published to a topic this node subscribed to. Called sequentially per topic,
/// in offset order; the implementation only Tells an actor, it never blocks.
/// </summary>
public interface IBackplaneSink
{
    /// <summary>A message on <paramref name="topic"/> with the offset the backplane assigned. <paramref name="data"/> is immutable.</summary>
    void Deliver(string topic, long offset, ReadOnlyMemory<byte> data);

    /// <summary>
    /// <paramref name="topic"/>'s past is lost to this node's subscribers (its epoch changed, or history no longer covers
    /// what they missed): they must hear it before the next <see cref="Deliver"/> of the topic, which continues in
    /// <paramref name="epoch"/>. Same ordering rules as <see cref="Deliver"/>.
    /// </summary>
    void Reset(string topic, string epoch);

    /// <summary>
    /// A <c>join</c> or <c>leave</c> on <paramref name="topic"/> for its subscribers (not those of matching wildcards).
    /// Same ordering rules as <see cref="Deliver"/>, but it takes no offset and never passes the epoch gate. Sinks that
    /// do not route presence ignore it.
    /// </summary>
    void Announce(string topic, PresenceEvent presence)
    {
    }
}
