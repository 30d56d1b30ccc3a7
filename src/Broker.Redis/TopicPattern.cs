namespace Broker.Redis;

/// <summary>
/// Exact matching of a subscription pattern against a concrete topic (docs/protocol.md, Topics): a segment that is
/// exactly <c>*</c> matches one segment; a last segment that is exactly <c>&gt;</c> matches one or more segments.
/// The Redis glob is coarser (its <c>*</c> crosses dots), so every pattern delivery is re-checked here.
/// </summary>
internal sealed class TopicPattern
{
    private readonly string[] _segments;
    private readonly bool _tail;

    private TopicPattern(string[] segments, bool tail)
    {
        _segments = segments;
        _tail = tail;
    }

    public static bool IsWildcard(string pattern) => pattern.Split('.').Any(s => s is "*" or ">");

    public static TopicPattern Parse(string pattern)
    {
        var segments = pattern.Split('.');
        var tail = segments[^1] == ">";
        return new TopicPattern(tail ? segments[..^1] : segments, tail);
    }

    public bool Matches(ReadOnlySpan<char> topic)
    {
        var rest = topic;
        var consumedAll = false;
        foreach (var segment in _segments)
        {
            if (consumedAll) return false; // the topic has fewer segments than the pattern
            var dot = rest.IndexOf('.');
            var head = dot < 0 ? rest : rest[..dot];
            if (head.IsEmpty || (segment != "*" && !head.SequenceEqual(segment))) return false;
            consumedAll = dot < 0;
            rest = consumedAll ? [] : rest[(dot + 1)..];
        }
        // Without '>' the topic must end here; with it, one or more segments must remain.
        return _tail ? !consumedAll && !rest.IsEmpty : consumedAll;
    }
}
