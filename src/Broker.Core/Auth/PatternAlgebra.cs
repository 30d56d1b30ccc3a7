namespace Broker.Core.Auth;

/// <summary>
/// Set operations on topic patterns (a pattern stands for the set of concrete topics it matches: <c>*</c> one segment,
/// a last <c>&gt;</c> one or more segments). Used to decide whether a wildcard subscription stays inside what a namespace
/// and a grant allow, without enumerating topics. Patterns are given as their segments and must be valid.
/// </summary>
internal static class PatternAlgebra
{
    /// <summary>
    /// The pattern matching exactly the topics both <paramref name="a"/> and <paramref name="b"/> match, or null when
    /// they share none. The intersection of two such patterns is always one pattern: segment by segment a literal
    /// narrows <c>*</c>, and a <c>&gt;</c> takes the rest of the other pattern (which has at least one segment left).
    /// </summary>
    public static string[]? Intersect(string[] a, string[] b)
    {
        var result = new List<string>(Math.Max(a.Length, b.Length));
        for (var i = 0; ; i++)
        {
            if (i == a.Length || i == b.Length)
                return i == a.Length && i == b.Length ? result.ToArray() : null;
            var (x, y) = (a[i], b[i]);
            if (x == ">")
                return [.. result, .. b[i..]];
            if (y == ">")
                return [.. result, .. a[i..]];
            if (x == "*")
                result.Add(y);
            else if (y == "*" || x == y)
                result.Add(x);
            else
                return null;
        }
    }

    /// <summary>True when every topic <paramref name="inner"/> matches is matched by <paramref name="outer"/>.</summary>
    public static bool Contains(string[] outer, string[] inner)
    {
        for (var i = 0; ; i++)
        {
            if (i == outer.Length || i == inner.Length)
                return i == outer.Length && i == inner.Length;
            var (o, n) = (outer[i], inner[i]);
            if (o == ">")
                return true; // inner has at least one segment left here, whatever they are
            if (n == ">")
                return false; // inner reaches any depth, outer a fixed one
            if (o != "*" && o != n)
                return false; // a literal outer segment contains only the same literal (not "*")
        }
    }
}
