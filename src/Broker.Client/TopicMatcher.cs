namespace Broker.Client;

/// <summary>The broker's wildcard rules: <c>*</c> is exactly one segment, a last <c>&gt;</c> one or more.</summary>
internal static class TopicMatcher
{
    public static bool Matches(string pattern, string topic)
    {
        var p = pattern.AsSpan();
        var t = topic.AsSpan();
        while (true)
        {
            var pEnd = p.IndexOf('.');
            var pSegment = pEnd < 0 ? p : p[..pEnd];
            if (pSegment is ">")
                return pEnd < 0 && !t.IsEmpty;
            if (t.IsEmpty)
                return false;
            var tEnd = t.IndexOf('.');
            var tSegment = tEnd < 0 ? t : t[..tEnd];
            if (pSegment is not "*" && !pSegment.SequenceEqual(tSegment))
                return false;
            if (pEnd < 0 || tEnd < 0)
                return pEnd < 0 && tEnd < 0;
            p = p[(pEnd + 1)..];
            t = t[(tEnd + 1)..];
        }
    }
}
