using System.Text;
using Broker.Protocol.Client;

namespace Broker.Core.Connections;

/// <summary>
/// The replay seam of one connection. From the moment a subscribe to a concrete topic is sent until its ack (and, when
/// recovering, the replay of what the client missed) is written, the topic's live frames (messages and resets) are
/// held here instead of written, so the client sees ack, then replay, then live. The ack names the offset the replay
/// reaches (its "floor"); live messages at or below it are duplicates and are dropped, both those held and those
/// still on their way (a node whose Redis subscription lags can deliver an old offset after the replay was written).
/// The floor is lifted by the first live message above it (per topic, a node delivers in offset order, so nothing
/// older can follow) or by a reset (a new epoch). Only the connection's shard thread touches it (the connection actor and fan-out items both run there); it is allocated on
/// the first subscribe, and a connection with no topic held or floored pays one check per delivery.
/// </summary>
public sealed class DeliveryHoldBack
{
    // Entries by value in an array (most connections hold one topic at a time): no list or entry object per connection.
    private Entry[] _entries = new Entry[1];
    private int _count;

    /// <summary>True while no topic is held or floored: the only check an ordinary delivery pays.</summary>
    public bool IsEmpty => _count == 0;

    /// <summary>Starts holding <paramref name="topic"/>'s live frames.</summary>
    public void Start(string topic)
    {
        var index = Find(topic);
        if (index >= 0)
            RemoveAt(index);
        if (_count == _entries.Length)
            Array.Resize(ref _entries, _count * 2);
        _entries[_count++] = new Entry { Topic = topic, Held = [] };
    }

    /// <summary>Holds or drops <paramref name="frame"/> when its topic is held or floored; false to deliver it now.</summary>
    public bool TryHold(SharedFrame frame)
    {
        var payload = frame.Payload.Span;
        if (!ServerMessageWriter.TryReadTopic(payload, out var topic))
            return false;
        for (var i = 0; i < _count; i++)
        {
            ref var entry = ref _entries[i];
            if (!Ascii.Equals(topic, entry.Topic))
                continue;
            if (entry.Held is { } held)
            {
                held.Add(frame);
                return true;
            }
            if (ServerMessageWriter.TryReadMessageOffset(payload, out _, out var offset) && offset <= entry.Floor)
                return true;
            RemoveAt(i); // above the floor, or a reset: the seam is behind us
            return false;
        }
        return false;
    }

    /// <summary>
    /// Stops holding <paramref name="topic"/> and returns the held frames to deliver now, in arrival order, without
    /// messages at or below <paramref name="floor"/> that came before any reset; later ones at or below it are dropped
    /// as they come, until one above it or a reset arrives.
    /// </summary>
    public List<SharedFrame> Release(string topic, long floor)
    {
        var index = Find(topic);
        if (index < 0 || _entries[index].Held is not { } frames)
            return [];
        ref var entry = ref _entries[index];
        entry.Held = null;
        entry.Floor = floor;
        var passed = new List<SharedFrame>(frames.Count);
        var lifted = false;
        foreach (var frame in frames)
        {
            // A reset or a message above the floor lifts it: everything after it passes.
            lifted |= !ServerMessageWriter.TryReadMessageOffset(frame.Payload.Span, out _, out var offset) || offset > floor;
            if (lifted)
                passed.Add(frame);
        }
        if (lifted)
            RemoveAt(index);
        return passed;
    }

    /// <summary>Forgets <paramref name="topic"/> (the subscription was undone).</summary>
    public void Cancel(string topic)
    {
        var index = Find(topic);
        if (index >= 0)
            RemoveAt(index);
    }

    private int Find(string topic)
    {
        for (var i = 0; i < _count; i++)
        {
            if (_entries[i].Topic == topic)
                return i;
        }
        return -1;
    }

    private void RemoveAt(int index)
    {
        _count--;
        Array.Copy(_entries, index + 1, _entries, index, _count - index);
        _entries[_count] = default;
    }

    private struct Entry
    {
        public string Topic;
        public List<SharedFrame>? Held;
        public long Floor;
    }
}
