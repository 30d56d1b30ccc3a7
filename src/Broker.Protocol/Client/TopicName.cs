namespace Broker.Protocol.Client;

/// <summary>
/// Topic naming rules (docs/protocol.md, "Topics"): 1 to <see cref="MaxLength"/> ASCII characters in non-empty segments
/// separated by <c>.</c>, each made of <c>A–Z a–z 0–9 _ - : @</c>. In a subscription key a segment that is exactly
/// <c>*</c> matches one segment and a last segment that is exactly <c>&gt;</c> matches one or more.
/// Because every allowed character is plain ASCII that JSON never escapes, a valid name can be written into JSON as is.
/// </summary>
public static class TopicName
{
    /// <summary>The longest topic or pattern, in characters (equal to its length in bytes: names are ASCII).</summary>
    public const int MaxLength = 200;

    /// <summary>
    /// Checks <paramref name="name"/> against the rules. Returns null when it is valid, otherwise a short English reason
    /// for the error reply. Wildcard segments are allowed only when <paramref name="allowWildcards"/> is true (subscribe and
    /// unsubscribe); a publish must name a concrete topic.
    /// </summary>
    public static string? Validate(ReadOnlySpan<char> name, bool allowWildcards)
    {
        if (name.IsEmpty)
            return "topic is empty";
        if (name.Length > MaxLength)
            return "topic is longer than 200 characters";
        var segment = 1;
        var start = 0;
        for (var i = 0; i <= name.Length; i++)
        {
            if (i < name.Length && name[i] != '.')
            {
                if (!IsSegmentChar(name[i]) && name[i] is not ('*' or '>'))
                    return $"topic character {i + 1} is not allowed";
                continue;
            }
            var error = ValidateSegment(name[start..i], segment, isLast: i == name.Length, allowWildcards);
            if (error is not null)
                return error;
            segment++;
            start = i + 1;
        }
        return null;
    }

    /// <summary>True when <paramref name="key"/> (already valid) holds a <c>*</c> or <c>&gt;</c> segment.</summary>
    public static bool IsPattern(ReadOnlySpan<char> key) => key.IndexOfAny('*', '>') >= 0;

    private static string? ValidateSegment(ReadOnlySpan<char> segment, int index, bool isLast, bool allowWildcards)
    {
        if (segment.IsEmpty)
            return $"topic segment {index} is empty";
        if (segment.IndexOfAny('*', '>') < 0)
            return null;
        if (!allowWildcards)
            return "publish needs a concrete topic, not a wildcard";
        if (segment.Length != 1)
            return $"topic segment {index} mixes a wildcard with other characters";
        if (segment[0] == '>' && !isLast)
            return "'>' must be the last segment";
        return null;
    }

    private static bool IsSegmentChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or ':' or '@';
}
