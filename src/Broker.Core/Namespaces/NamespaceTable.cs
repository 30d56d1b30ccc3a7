using Broker.Protocol.Client;

namespace Broker.Core.Namespaces;

/// <summary>
/// Finds the namespace of a topic: the most specific pattern that matches it, else <see cref="Default"/>. Specificity is
/// decided at the first segment where two patterns differ in kind: a literal beats <c>*</c> or <c>{user}</c>, which
/// beat <c>&gt;</c>; when one pattern's segments run out first, the longer one is the more specific. For matching, a
/// <c>{user}</c> segment matches any one segment, so which namespace a topic is in does not depend on who asks.
/// </summary>
public sealed class NamespaceTable
{
    private readonly (string MatchPattern, NamespaceOptions Options)[] _ordered;

    /// <summary>Orders <paramref name="namespaces"/> by specificity; their patterns must be valid and distinct.</summary>
    public NamespaceTable(NamespaceOptions @default, IEnumerable<NamespaceOptions> namespaces)
    {
        Default = @default;
        _ordered = namespaces
            .Select(ns => (MatchPattern: ToMatchPattern(ns.Topics), Options: ns))
            .OrderBy(entry => entry.MatchPattern, SpecificityComparer.Instance)
            .ToArray();
    }

    /// <summary>The options of topics outside every namespace.</summary>
    public NamespaceOptions Default { get; }

    /// <summary>Every configured namespace, most specific first, without <see cref="Default"/>.</summary>
    public IEnumerable<NamespaceOptions> Namespaces => _ordered.Select(entry => entry.Options);

    /// <summary>The namespace of the concrete <paramref name="topic"/>.</summary>
    public NamespaceOptions Resolve(ReadOnlySpan<char> topic)
    {
        foreach (var (pattern, options) in _ordered)
        {
            if (TopicPattern.Matches(pattern, topic))
                return options;
        }
        return Default;
    }

    /// <summary>The pattern with each <c>{user}</c> segment read as <c>*</c>.</summary>
    public static string ToMatchPattern(string pattern) =>
        string.Join('.', pattern.Split('.').Select(s => s == NamespaceOptions.UserSegment ? "*" : s));

    private sealed class SpecificityComparer : IComparer<string>
    {
        public static readonly SpecificityComparer Instance = new();

        // Negative when x is more specific than y, so sorting puts the most specific first.
        public int Compare(string? x, string? y)
        {
            var a = x!.Split('.');
            var b = y!.Split('.');
            for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
            {
                var byKind = Rank(a[i]).CompareTo(Rank(b[i]));
                if (byKind != 0)
                    return byKind;
            }
            var byLength = b.Length.CompareTo(a.Length);
            return byLength != 0 ? byLength : string.CompareOrdinal(x, y);
        }

        private static int Rank(string segment) => segment switch
        {
            ">" => 2,
            "*" => 1,
            _ => 0,
        };
    }
}
