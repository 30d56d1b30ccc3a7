using Broker.Core.Namespaces;

namespace Broker.Core.Backplane;

/// <summary>
/// One topic's state in the <see cref="InMemoryBackplane"/>: epoch, last offset and a ring of the last
/// <see cref="HistoryOptions.Size"/> messages, grown as messages come (a topic with one message holds one slot).
/// Not thread-safe: the backplane locks the instance.
/// </summary>
internal sealed class TopicHistory(HistoryOptions options)
{
    private HistoryMessage[] _ring = [];
    private int _start;
    private int _count;
    private long _touched = Environment.TickCount64;

    public string Epoch { get; } = Epochs.New();

    // The gate compares epochs as bytes (what the Redis payload carries); made once per topic.
    public byte[] EpochBytes => _epochBytes ??= System.Text.Encoding.ASCII.GetBytes(Epoch);

    private byte[]? _epochBytes;

    public long Last { get; private set; }

    /// <summary>Set under the lock when the sweep removed the instance: writers must look the topic up again.</summary>
    public bool Released { get; set; }

    public long Append(ReadOnlyMemory<byte> data)
    {
        _touched = Environment.TickCount64;
        var offset = ++Last;
        if (options.Size == 0)
            return offset;
        if (_count == _ring.Length && _count < options.Size)
            Grow();
        var message = new HistoryMessage(offset, data);
        if (_count < _ring.Length)
        {
            _ring[(_start + _count) % _ring.Length] = message;
            _count++;
        }
        else
        {
            _ring[_start] = message;
            _start = (_start + 1) % _ring.Length;
        }
        return offset;
    }

    public HistoryPage Read(long? after, int limit)
    {
        var first = _count == 0 ? Last + 1 : _ring[_start].Offset;
        // Without "after": the last `limit`; with it: from after+1 (or the oldest kept), at most `limit`.
        var from = after is { } a ? Math.Max(a + 1, first) : Math.Max(first, Last - limit + 1);
        var messages = new List<HistoryMessage>((int)Math.Clamp(Last - from + 1, 0, limit));
        for (var offset = from; offset <= Last && messages.Count < limit; offset++)
            messages.Add(_ring[(_start + (int)(offset - first)) % _ring.Length]);
        return new HistoryPage(new TopicPosition(Epoch, Last), messages);
    }

    public bool IdleSince(long now) => now - _touched >= (long)options.Ttl.TotalMilliseconds;

    private void Grow()
    {
        var grown = new HistoryMessage[Math.Min(options.Size, Math.Max(4, _ring.Length * 2))];
        for (var i = 0; i < _count; i++)
            grown[i] = _ring[(_start + i) % _ring.Length];
        _ring = grown;
        _start = 0;
    }
}
