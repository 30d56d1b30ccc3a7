namespace Broker.Protocol.Client;

/// <summary>
/// Wildcard matching of concrete topics against subscription keys (docs/protocol.md, "Topics"). Allocation-free: both
/// names are walked segment by segment in one pass.
/// </summary>
public static class TopicPattern
{
    /// <summary>
    /// True when the concrete <paramref name="topic"/> matches <paramref name="pattern"/>: a <c>*</c> segment matches any
    /// one segment, a last <c>&gt;</c> segment matches one or more remaining segments, any other segment matches itself
    /// (case-sensitive). A pattern without wildcards matches only the identical topic. Both inputs must be valid names.
    /// </summary>
    public static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> topic)
    {
        while (true)
        {
            var patternEnd = pattern.IndexOf('.');
            var patternSegment = patternEnd < 0 ? pattern : pattern[..patternEnd];
            if (patternSegment is ">")
                return !topic.IsEmpty;
            if (topic.IsEmpty)
                return false;
            var topicEnd = topic.IndexOf('.');
            var topicSegment = topicEnd < 0 ? topic : topic[..topicEnd];
            if (patternSegment is not "*" && !patternSegment.SequenceEqual(topicSegment))
                return false;
            if (patternEnd < 0 || topicEnd < 0)
                return patternEnd < 0 && topicEnd < 0;
            pattern = pattern[(patternEnd + 1)..];
            topic = topic[(topicEnd + 1)..];
        }
    }
}
