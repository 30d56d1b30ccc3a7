using Broker.Core.Backplane;
using Broker.Core.Presence;

namespace Broker.Redis.Tests;

/// <summary>Test-only sink: records deliveries in arrival order and lets a test await a count.</summary>
public sealed class RecordingSink : IBackplaneSink
{
    private readonly List<Delivery> _deliveries = [];
    private readonly List<(int Count, TaskCompletionSource Done)> _waiters = [];
    private readonly List<(string Topic, bool Joined, PresenceMember Member)> _announcements = [];

    /// <summary>Every join and leave handed to the sink, in arrival order.</summary>
    public IReadOnlyList<(string Topic, bool Joined, PresenceMember Member)> Announcements
    {
        get { lock (_announcements) return _announcements.ToArray(); }
    }

    public void Announce(string topic, PresenceEvent presence)
    {
        lock (_announcements) _announcements.Add((topic, presence.Joined, presence.Member));
    }

    public IReadOnlyList<Delivery> Deliveries
    {
        get { lock (_deliveries) return _deliveries.ToArray(); }
    }

    public void Deliver(string topic, long offset, ReadOnlyMemory<byte> data) =>
        Record(new Delivery(topic, offset, data.ToArray()));

    /// <summary>A reset is recorded as a delivery with offset -1 and the new epoch as its data.</summary>
    public void Reset(string topic, string epoch) =>
        Record(new Delivery(topic, -1, System.Text.Encoding.ASCII.GetBytes(epoch)));

    private void Record(Delivery delivery)
    {
        lock (_deliveries)
        {
            _deliveries.Add(delivery);
            foreach (var waiter in _waiters.Where(w => _deliveries.Count >= w.Count).ToArray())
            {
                _waiters.Remove(waiter);
                waiter.Done.TrySetResult();
            }
        }
    }

    /// <summary>Completes when at least <paramref name="count"/> deliveries arrived; throws TimeoutException otherwise.</summary>
    public Task WaitForCountAsync(int count, TimeSpan? timeout = null)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_deliveries)
        {
            if (_deliveries.Count >= count) return Task.CompletedTask;
            _waiters.Add((count, done));
        }
        return done.Task.WaitAsync(timeout ?? TimeSpan.FromSeconds(15));
    }
}
