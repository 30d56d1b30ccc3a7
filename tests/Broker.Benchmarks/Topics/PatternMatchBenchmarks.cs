using BenchmarkDotNet.Attributes;
using Broker.Core.Topics;
using Broker.Protocol.Client;

namespace Broker.Benchmarks.Topics;

/// <summary>
/// Matching one published topic against 10,000 wildcard patterns: the linear scan the router did before (every pattern
/// through <see cref="TopicPattern.Matches"/>) against the segment trie (<see cref="PatternIndex"/>). The patterns are
/// what many tenants produce: <c>tenantN.*.events</c>, <c>tenantN.orders.&gt;</c>, <c>*.devicesN.*</c>, …
/// </summary>
[MemoryDiagnoser]
public class PatternMatchBenchmarks
{
    private const int Patterns = 10_000;
    private readonly string[] _linear = new string[Patterns];
    private readonly PatternIndex _index = new();
    private readonly string _topic = "tenant4242.orders.created";

    [GlobalSetup]
    public void Setup()
    {
        for (var i = 0; i < Patterns; i++)
        {
            var pattern = (i % 4) switch
            {
                0 => $"tenant{i}.*.events",
                1 => $"tenant{i}.orders.>",
                2 => $"*.devices{i}.*",
                _ => $"tenant{i}.*.*.status",
            };
            _linear[i] = pattern;
            _index.Add(new TopicRoute(pattern));
        }
    }

    [Benchmark(Baseline = true)]
    public int LinearScan()
    {
        var matches = 0;
        foreach (var pattern in _linear)
            if (TopicPattern.Matches(pattern, _topic))
                matches++;
        return matches;
    }

    [Benchmark]
    public int SegmentTrie()
    {
        var counter = new Counter();
        _index.Match(_topic, ref counter);
        return counter.Matches;
    }

    private struct Counter : IRouteVisitor
    {
        public int Matches;

        public void Visit(TopicRoute route) => Matches++;
    }
}
