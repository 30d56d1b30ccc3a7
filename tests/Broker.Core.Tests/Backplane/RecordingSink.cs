using Broker.Core.Backplane;

namespace Broker.Core.Tests.Backplane;

// Collects what a backplane hands to its sink, in call order.
internal sealed class RecordingSink : IBackplaneSink
{
    private readonly Lock _lock = new();
    private readonly List<(string Topic, long Offset, byte[] Data)> _delivered = [];

    public IReadOnlyList<(string Topic, long Offset, byte[] Data)> Delivered
    {
        get
        {
            lock (_lock)
                return [.. _delivered];
        }
    }

    public void Deliver(string topic, long offset, ReadOnlyMemory<byte> data)
    {
        lock (_lock)
            _delivered.Add((topic, offset, data.ToArray()));
    }

    // A reset is recorded as offset -1 with the new epoch as data.
    public void Reset(string topic, string epoch)
    {
        lock (_lock)
            _delivered.Add((topic, -1, System.Text.Encoding.ASCII.GetBytes(epoch)));
    }
}
