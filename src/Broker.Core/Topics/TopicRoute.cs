using Akka.Actor;
using Broker.Core.Connections;

namespace Broker.Core.Topics;

/// <summary>
/// The router's view of one subscription key: its subscribers grouped by shard, as an immutable snapshot that the
/// topic actor replaces on every change and the backplane's threads read without locks. A message becomes one queue
/// item per shard holding the shared frame and that shard's <see cref="ShardGroup"/>, not one Tell per subscriber.
/// </summary>
internal sealed class TopicRoute(string key)
{
    private volatile ShardGroup[] _groups = [];

    public string Key { get; } = key;

    /// <summary>The topic actor that owns this route (set by the registry once started).</summary>
    public IActorRef? Actor { get; set; }

    /// <summary>Written by the topic actor only, before it acks the change: every later delivery reads the new snapshot.</summary>
    public ShardGroup[] Groups
    {
        get => _groups;
        set => _groups = value;
    }

    /// <summary>Posts the frame to every shard with subscribers; per shard queue FIFO keeps this key's order.</summary>
    public void Fan(SharedFrame frame)
    {
        foreach (var group in _groups)
            group.Fan(frame);
    }
}
