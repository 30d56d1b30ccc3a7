using System.Collections.Concurrent;

namespace Broker.Core.Topics;

/// <summary>
/// The node's wildcard patterns as a trie by segment: matching a topic walks its segments once, following the literal
/// child, the <c>*</c> child, and collecting a <c>&gt;</c> route where one ends, so a publish costs the topic's depth ×
/// the wildcard branches rather than a scan over every pattern. One writer (the registry actor, through the
/// <see cref="TopicRouter"/>) adds and removes; the backplane's threads match concurrently without locks, and a match
/// allocates nothing.
/// </summary>
internal sealed class PatternIndex
{
    private readonly Node _root = new();

    /// <summary>Patterns in the index.</summary>
    public int Count { get; private set; }

    /// <summary>Adds <paramref name="route"/> under its key (a valid pattern); replaces a route with the same key.</summary>
    public void Add(TopicRoute route)
    {
        var node = _root;
        foreach (var range in route.Key.AsSpan().Split('.'))
        {
            var segment = route.Key[range];
            if (segment == ">")
            {
                if (node.Tail is null)
                    Count++;
                node.Tail = route;
                return;
            }
            node = node.Child(segment);
        }
        if (node.Route is null)
            Count++;
        node.Route = route;
    }

    /// <summary>Removes <paramref name="route"/> if it is the one held under its key; prunes nodes left empty.</summary>
    public void Remove(TopicRoute route) => Remove(_root, route.Key, route);

    /// <summary>The route held under <paramref name="key"/>, or null.</summary>
    public TopicRoute? Find(string key)
    {
        var node = _root;
        foreach (var range in key.AsSpan().Split('.'))
        {
            var segment = key.AsSpan(range);
            if (segment is ">")
                return node.Tail;
            if (node.Step(segment) is not { } child)
                return null;
            node = child;
        }
        return node.Route;
    }

    /// <summary>Calls <paramref name="visitor"/> once for every pattern that matches the concrete <paramref name="topic"/>.</summary>
    public void Match<TVisitor>(ReadOnlySpan<char> topic, ref TVisitor visitor)
        where TVisitor : struct, IRouteVisitor => Match(_root, topic, ref visitor);

    private static void Match<TVisitor>(Node node, ReadOnlySpan<char> rest, ref TVisitor visitor)
        where TVisitor : struct, IRouteVisitor
    {
        // rest is never empty: a topic has at least one segment, and we only descend while segments remain.
        if (node.Tail is { } tail)
            visitor.Visit(tail); // '>' matches one or more remaining segments
        var end = rest.IndexOf('.');
        var segment = end < 0 ? rest : rest[..end];
        if (node.Find(segment) is { } literal)
            Descend(literal, rest, end, ref visitor);
        if (node.Star is { } star)
            Descend(star, rest, end, ref visitor);
    }

    private static void Descend<TVisitor>(Node child, ReadOnlySpan<char> rest, int end, ref TVisitor visitor)
        where TVisitor : struct, IRouteVisitor
    {
        if (end >= 0)
            Match(child, rest[(end + 1)..], ref visitor);
        else if (child.Route is { } route)
            visitor.Visit(route);
    }

    private bool Remove(Node node, ReadOnlySpan<char> rest, TopicRoute route)
    {
        var end = rest.IndexOf('.');
        var segment = end < 0 ? rest : rest[..end];
        if (segment is ">")
        {
            if (node.Tail != route)
                return false;
            node.Tail = null;
            Count--;
            return true;
        }
        if (node.Step(segment) is not { } child)
            return false;
        bool removed;
        if (end < 0)
        {
            removed = child.Route == route;
            if (removed)
            {
                child.Route = null;
                Count--;
            }
        }
        else
        {
            removed = Remove(child, rest[(end + 1)..], route);
        }
        if (removed && child.IsEmpty)
            node.Prune(segment);
        return removed;
    }

    // A reader may still be inside a node the writer pruned: it then sees that node's last state, which is what it
    // would have seen had it run a moment earlier (routes are snapshots, and an emptied route has no groups).
    private sealed class Node
    {
        private volatile ConcurrentDictionary<string, Node>? _literals;
        private volatile Node? _star;
        private volatile TopicRoute? _route;
        private volatile TopicRoute? _tail;

        public Node? Star => _star;

        /// <summary>The pattern that ends at this node.</summary>
        public TopicRoute? Route
        {
            get => _route;
            set => _route = value;
        }

        /// <summary>The pattern whose <c>&gt;</c> follows this node.</summary>
        public TopicRoute? Tail
        {
            get => _tail;
            set => _tail = value;
        }

        public bool IsEmpty => _route is null && _tail is null && _star is null && _literals is not { IsEmpty: false };

        /// <summary>The child for a pattern's segment: the <c>*</c> child or a literal one.</summary>
        public Node? Step(ReadOnlySpan<char> segment) => segment is "*" ? _star : Find(segment);

        /// <summary>The literal child for a topic's segment.</summary>
        public Node? Find(ReadOnlySpan<char> segment)
        {
            if (_literals is not { } literals || !literals.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(segment, out var child))
                return null;
            return child;
        }

        public Node Child(string segment)
        {
            if (segment == "*")
                return _star ??= new Node();
            var literals = _literals ??= new ConcurrentDictionary<string, Node>(StringComparer.Ordinal);
            return literals.GetOrAdd(segment, static _ => new Node());
        }

        public void Prune(ReadOnlySpan<char> segment)
        {
            if (segment is "*")
                _star = null;
            else
                _literals?.GetAlternateLookup<ReadOnlySpan<char>>().TryRemove(segment, out _);
        }
    }
}
