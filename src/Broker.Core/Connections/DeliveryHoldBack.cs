using System.Text;
using Broker.Protocol.Client;

namespace Broker.Core.Connections;

/// <summary>
/// The replay seam of one connection: from the moment a subscribe to a concrete topic is sent until its ack (and, when
/// recovering, the replay of what the client missed) is written, the topic's live frames (messages and resets) are
/// held here instead of written, so the client sees ack, then replay, then live, in offset order. On release, live
/// messages the replay already covered (offset at or below the ack's) are dropped, unless a reset came before them.
/// Only the connection actor's thread touches it; it is allocated on the first subscribe and almost always empty.
/// </summary>
public sealed class DeliveryHoldBack
{
    private readonly List<(string Topic, List<SharedFrame> Frames)> _held = [];

    /// <summary>True while no topic is held: the only check an ordinary delivery pays.</summary>
    public bool IsEmpty => _held.Count == 0;

    /// <summary>Starts holding <paramref name="topic"/>'s live frames.</summary>
    public void Start(string topic)
    {
        if (Find(topic) < 0)
            _held.Add((topic, []));
    }

    /// <summary>Holds <paramref name="frame"/> if its topic is held; false to deliver it now.</summary>
    public bool TryHold(SharedFrame frame)
    {
        if (!ServerMessageWriter.TryReadTopic(frame.Payload.Span, out var topic))
            return false;
        foreach (var (name, frames) in _held)
        {
            if (!Ascii.Equals(topic, name))
                continue;
            frames.Add(frame);
            return true;
        }
        return false;
    }

    /// <summary>
    /// Stops holding <paramref name="topic"/> and returns what to deliver now, in arrival order: the held frames
    /// without messages at or below <paramref name="covered"/> that came before any reset.
    /// </summary>
    public List<SharedFrame> Release(string topic, long covered)
    {
        var index = Find(topic);
        if (index < 0)
            return [];
        var frames = _held[index].Frames;
        _held.RemoveAt(index);
        var reset = false;
        return frames.FindAll(frame =>
        {
            if (!ServerMessageWriter.TryReadMessageOffset(frame.Payload.Span, out _, out var offset))
                return reset = true;
            return reset || offset > covered;
        });
    }

    private int Find(string topic) => _held.FindIndex(h => h.Topic == topic);
}
