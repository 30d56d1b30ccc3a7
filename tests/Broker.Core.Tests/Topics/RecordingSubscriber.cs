using System.Collections.Concurrent;
using Broker.Core.Connections;
using Broker.Core.Shards;

namespace Broker.Core.Tests.Topics;

// Keeps every frame its shard hands it, in arrival order (appended on the shard's thread, read by the test).
internal sealed class RecordingSubscriber(Shard shard) : Subscriber(shard)
{
    private readonly ConcurrentQueue<SharedFrame> _frames = new();

    public int Count => _frames.Count;

    public override void Deliver(SharedFrame frame)
    {
        Assert.True(Shard.IsCurrent, "delivered on another thread than the subscriber's shard");
        _frames.Enqueue(frame);
    }

    public IReadOnlyList<string> Received() =>
        _frames.Select(DeliveredMessage.From).Select(m => $"{m.Topic}#{m.Offset}").ToList();
}
