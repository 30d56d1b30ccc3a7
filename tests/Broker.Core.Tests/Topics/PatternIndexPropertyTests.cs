using Broker.Core.Topics;
using Broker.Protocol.Client;
using FsCheck.Xunit;

namespace Broker.Core.Tests.Topics;

/// <summary>
/// The segment trie answers exactly what the linear matcher (<see cref="TopicPattern.Matches"/>) answers: for random
/// pattern sets, with adds and removes interleaved, every random topic matches the same patterns, each once.
/// </summary>
public sealed class PatternIndexPropertyTests
{
    // Few distinct segments, so random topics and patterns share prefixes and actually match.
    private static readonly string[] Segments = ["a", "b", "c", "*", ">"];

    [Property(MaxTest = 300)]
    public bool Match_RandomPatternsAndTopics_SameAsLinearMatcher(int seed)
    {
        var random = new Random(seed);
        var index = new PatternIndex();
        var live = new Dictionary<string, TopicRoute>(StringComparer.Ordinal);
        for (var step = 0; step < 200; step++)
        {
            var pattern = RandomPattern(random);
            if (live.Remove(pattern, out var old) && random.Next(2) == 0)
            {
                index.Remove(old);
            }
            else
            {
                live.TryAdd(pattern, old ?? new TopicRoute(pattern));
                index.Add(live[pattern]);
            }
            if (index.Count != live.Count || !live.All(p => index.Find(p.Key) == p.Value))
                return false;
            var topic = RandomTopic(random);
            var collector = new Collector([]);
            index.Match(topic, ref collector);
            var expected = live.Keys.Where(p => TopicPattern.Matches(p, topic)).Order(StringComparer.Ordinal);
            if (!collector.Keys.Order(StringComparer.Ordinal).SequenceEqual(expected))
                return false;
        }
        return true;
    }

    [Fact]
    public void Remove_AnotherRouteUnderTheSameKey_KeepsTheHeldOne()
    {
        var index = new PatternIndex();
        var held = new TopicRoute("a.*");
        index.Add(held);

        index.Remove(new TopicRoute("a.*"));

        Assert.Same(held, index.Find("a.*"));
    }

    // A pattern of one to four segments with at least one wildcard; '>' only last (the naming rules).
    private static string RandomPattern(Random random)
    {
        while (true)
        {
            var length = random.Next(1, 5);
            var segments = new string[length];
            for (var i = 0; i < length; i++)
                segments[i] = Segments[random.Next(i == length - 1 ? Segments.Length : Segments.Length - 1)];
            var pattern = string.Join('.', segments);
            if (TopicName.IsPattern(pattern))
                return pattern;
        }
    }

    private static string RandomTopic(Random random) =>
        string.Join('.', Enumerable.Range(0, random.Next(1, 6)).Select(_ => Segments[random.Next(3)]));

    private struct Collector(List<string> keys) : IRouteVisitor
    {
        public readonly List<string> Keys => keys;

        public void Visit(TopicRoute route) => keys.Add(route.Key);
    }
}
