using System.Collections.Concurrent;
using System.Text;

namespace Broker.Core.Backplane;

/// <summary>
/// Stands between a backplane and its sink, one cursor per topic this node delivers: the epoch the node's subscribers
/// know and the highest offset handed on. It
/// <list type="bullet">
/// <item>hands each (topic, offset) on at most once and in increasing order, although one message can reach the node
/// through several Redis subscriptions (a SUBSCRIBE plus matching PSUBSCRIBEs, each with its own queue);</item>
/// <item>turns an epoch change into <see cref="IBackplaneSink.Reset"/> before the first message of the new epoch, so
/// "drop what is not above the last offset" never swallows a stream that started again at 1;</item>
/// <item>holds a topic's live messages while the node replays what its subscribers missed (after a Redis outage), so
/// replay and live traffic meet without a gap or a duplicate.</item>
/// </list>
/// The per-topic lock makes the check and the sink call one step, so the sink is called sequentially per topic.
/// </summary>
public sealed class EpochGate(IBackplaneSink sink)
{
    private readonly ConcurrentDictionary<string, Cursor> _cursors = new(StringComparer.Ordinal);

    /// <summary>The number of topics with a cursor (node state that must shrink back when topics go idle).</summary>
    public int Count => _cursors.Count;

    /// <summary>
    /// A live message of the epoch whose ASCII bytes are <paramref name="epoch"/> (compared in place: no string per
    /// message while the epoch stays the same).
    /// </summary>
    public void Deliver(string topic, ReadOnlySpan<byte> epoch, long offset, ReadOnlyMemory<byte> data)
    {
        var cursor = _cursors.GetOrAdd(topic, static _ => new Cursor());
        lock (cursor)
        {
            cursor.Touched = Environment.TickCount64;
            if (cursor.Held is { } held)
                held.Add(new HeldMessage(Encoding.ASCII.GetString(epoch), offset, data));
            else
                Pass(topic, cursor, epoch, offset, data);
        }
    }

    /// <summary>
    /// The node's subscribers of <paramref name="topic"/> were told <paramref name="epoch"/> (a subscribe ack): a later
    /// message of another epoch must reach them as a reset. A cursor that already knows an epoch keeps it, since its
    /// messages are what the subscribers saw last.
    /// </summary>
    public void Seed(string topic, string epoch)
    {
        var cursor = _cursors.GetOrAdd(topic, static _ => new Cursor());
        lock (cursor)
        {
            cursor.Touched = Environment.TickCount64;
            cursor.Epoch ??= epoch;
        }
    }

    /// <summary>Topics with a known epoch, for catching up after an outage.</summary>
    public IEnumerable<string> Topics => _cursors.Keys;

    /// <summary>
    /// Starts holding <paramref name="topic"/>'s live messages and returns what the node handed on last, or null when
    /// the topic has no known epoch (nothing to catch up) or is already being caught up.
    /// </summary>
    public TopicPosition? Hold(string topic)
    {
        if (!_cursors.TryGetValue(topic, out var cursor))
            return null;
        lock (cursor)
        {
            if (cursor.Epoch is null || cursor.Held is not null)
                return null;
            cursor.Held = [];
            return new TopicPosition(cursor.Epoch, cursor.Last);
        }
    }

    /// <summary>
    /// Ends a <see cref="Hold"/>: when <paramref name="reset"/>, first a reset to <paramref name="epoch"/> with
    /// everything up to <paramref name="resetAt"/> counted as handed on; then <paramref name="replay"/> (what history
    /// had of <paramref name="epoch"/>), then the live messages held meanwhile, each through the usual order and
    /// de-duplication rules.
    /// </summary>
    public void Release(string topic, string epoch, IReadOnlyList<HistoryMessage> replay, bool reset, long resetAt = 0)
    {
        if (!_cursors.TryGetValue(topic, out var cursor))
            return;
        lock (cursor)
        {
            var held = cursor.Held;
            cursor.Held = null;
            if (reset)
            {
                cursor.Epoch = epoch;
                cursor.Last = resetAt;
                sink.Reset(topic, epoch);
            }
            var bytes = Encoding.ASCII.GetBytes(epoch);
            foreach (var message in replay)
                Pass(topic, cursor, bytes, message.Offset, message.Data);
            foreach (var message in held ?? [])
                Pass(topic, cursor, Encoding.ASCII.GetBytes(message.Epoch), message.Offset, message.Data);
        }
    }

    /// <summary>Forgets topics no remaining subscription covers, so the map does not outgrow the node's interest.</summary>
    public void Forget(Func<string, bool> stillCovered)
    {
        foreach (var topic in _cursors.Keys)
        {
            if (!stillCovered(topic))
                _cursors.TryRemove(topic, out _);
        }
    }

    /// <summary>
    /// Forgets topics with no message for <paramref name="idle"/> unless <paramref name="keep"/> says a subscription names
    /// them: those seen only through wildcards go, so a pattern that has seen many topics does not pin them all.
    /// </summary>
    public void Sweep(TimeSpan idle, Func<string, bool> keep)
    {
        var before = Environment.TickCount64 - (long)idle.TotalMilliseconds;
        foreach (var (topic, cursor) in _cursors)
        {
            if (Volatile.Read(ref cursor.Touched) < before && cursor.Held is null && !keep(topic))
                _cursors.TryRemove(new KeyValuePair<string, Cursor>(topic, cursor));
        }
    }

    private void Pass(string topic, Cursor cursor, ReadOnlySpan<byte> epoch, long offset, ReadOnlyMemory<byte> data)
    {
        if (cursor.Epoch is null || !Ascii.Equals(epoch, cursor.Epoch))
        {
            var changed = Encoding.ASCII.GetString(epoch);
            // A first message needs no reset: nobody on this node was told another epoch.
            if (cursor.Epoch is not null)
                sink.Reset(topic, changed);
            cursor.Epoch = changed;
            cursor.Last = 0;
        }
        if (offset <= cursor.Last)
            return;
        cursor.Last = offset;
        sink.Deliver(topic, offset, data);
    }

    private sealed class Cursor
    {
        public string? Epoch;
        public long Last;
        public long Touched;
        public List<HeldMessage>? Held;
    }

    private readonly record struct HeldMessage(string Epoch, long Offset, ReadOnlyMemory<byte> Data);
}
