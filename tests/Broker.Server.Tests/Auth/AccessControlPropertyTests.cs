using Broker.Core.Auth;
using Broker.Core.Namespaces;
using Broker.Protocol.Client;

namespace Broker.Server.Tests.Auth;

/// <summary>
/// The wildcard-within-grant rule, checked against brute force: seeded random namespaces, rules, grants and patterns
/// over a small alphabet, and every concrete topic up to five segments enumerated. A wildcard subscription may be
/// allowed only when every topic it matches is allowed; a concrete topic is allowed exactly when its namespace's rule
/// says so.
/// </summary>
public sealed class AccessControlPropertyTests
{
    private const int Iterations = 400;
    private static readonly string[] Segments = ["a", "b", "alice"];
    private static readonly AccessRule[] Rules = Enum.GetValues<AccessRule>();
    private static readonly HistoryOptions History = new(0, TimeSpan.FromHours(1));

    // Every concrete topic of 1-5 segments over the alphabet (3 + 9 + ... + 243 = 363 topics).
    private static readonly string[] AllTopics = Enumerable.Range(1, 5)
        .SelectMany(length => Enumerable.Range(0, (int)Math.Pow(Segments.Length, length))
            .Select(n => string.Join('.', Enumerable.Range(0, length).Select(i => Segments[n / (int)Math.Pow(Segments.Length, i) % Segments.Length]))))
        .ToArray();

    [Fact]
    public void CanSubscribe_AllowedWildcard_AllowsEveryTopicItMatches()
    {
        for (var seed = 0; seed < Iterations; seed++)
        {
            var random = new Random(seed);
            var access = RandomAccess(random, out _);
            for (var i = 0; i < 20; i++)
            {
                var pattern = RandomPattern(random, allowUser: false);
                if (!access.CanSubscribe(pattern))
                    continue;
                foreach (var topic in AllTopics.Where(t => TopicPattern.Matches(pattern, t)))
                    Assert.True(access.CanSubscribe(topic), $"seed {seed}: {pattern} is allowed but {topic} is not");
            }
        }
    }

    [Fact]
    public void CanSubscribeAndCanPublish_ConcreteTopic_AgreeWithTheRulesByBruteForce()
    {
        for (var seed = 0; seed < Iterations; seed++)
        {
            var random = new Random(seed);
            var access = RandomAccess(random, out var model);
            foreach (var topic in AllTopics)
            {
                Assert.True(model.Allows(topic, subscribe: true) == access.CanSubscribe(topic), $"seed {seed}: subscribe {topic}");
                Assert.True(model.Allows(topic, subscribe: false) == access.CanPublish(topic), $"seed {seed}: publish {topic}");
            }
        }
    }

    [Fact]
    public void CanSubscribe_PatternInsideOneGrant_IsAllowed()
    {
        for (var seed = 0; seed < Iterations; seed++)
        {
            var random = new Random(seed);
            var grant = RandomPattern(random, allowUser: false);
            var table = new NamespaceTable(Namespace("default", ">", AccessRule.Granted), []);
            var access = new AccessControl(table, new AuthIdentity("alice", DateTimeOffset.MaxValue, [grant], []));
            for (var i = 0; i < 20; i++)
            {
                var pattern = RandomPattern(random, allowUser: false);
                if (PatternAlgebra.Contains(grant.Split('.'), pattern.Split('.')))
                    Assert.True(access.CanSubscribe(pattern), $"seed {seed}: {pattern} lies inside grant {grant}");
            }
        }
    }

    [Theory]
    [InlineData("priv.alice.*", true)]
    [InlineData("priv.alice.>", true)]
    [InlineData("priv.alice.inbox", true)]
    [InlineData("priv.*.inbox", false)]
    [InlineData("priv.>", false)]
    [InlineData(">", false)]
    [InlineData("priv.bob.inbox", false)]
    public void CanSubscribe_IssueExamples_FollowTheGrant(string pattern, bool allowed)
    {
        var table = new NamespaceTable(Namespace("default", ">", AccessRule.Authenticated),
            [Namespace("priv", "priv.>", AccessRule.Granted)]);
        var access = new AccessControl(table, new AuthIdentity("alice", DateTimeOffset.MaxValue, ["priv.{user}.>"], []));

        Assert.Equal(allowed, access.CanSubscribe(pattern));
    }

    private static AccessControl RandomAccess(Random random, out Model model)
    {
        var namespaces = new List<NamespaceOptions>();
        var seen = new HashSet<string>();
        for (var i = random.Next(4); i > 0; i--)
        {
            var topics = RandomPattern(random, allowUser: true);
            if (seen.Add(NamespaceTable.ToMatchPattern(topics)))
                namespaces.Add(Namespace($"ns{i}", topics, Rules[random.Next(Rules.Length)], Rules[random.Next(Rules.Length)]));
        }
        var @default = Namespace("default", ">", Rules[random.Next(Rules.Length)], Rules[random.Next(Rules.Length)]);
        var identity = random.Next(4) == 0
            ? null
            : new AuthIdentity("alice", DateTimeOffset.MaxValue, RandomGrants(random), RandomGrants(random));
        var table = new NamespaceTable(@default, namespaces);
        model = new Model(table, identity);
        return new AccessControl(table, identity);
    }

    private static string[] RandomGrants(Random random) =>
        Enumerable.Range(0, random.Next(4)).Select(_ => RandomPattern(random, allowUser: true)).ToArray();

    private static string RandomPattern(Random random, bool allowUser)
    {
        var length = random.Next(1, 5);
        var segments = new List<string>();
        for (var i = 0; i < length; i++)
        {
            var last = i == length - 1;
            segments.Add(random.Next(10) switch
            {
                < 5 => Segments[random.Next(Segments.Length)],
                < 7 => "*",
                < 8 when allowUser => NamespaceOptions.UserSegment,
                < 9 when last => ">",
                _ => Segments[random.Next(Segments.Length)],
            });
        }
        return string.Join('.', segments);
    }

    private static NamespaceOptions Namespace(string name, string topics, AccessRule subscribe, AccessRule? publish = null) =>
        new(name, topics, subscribe, publish ?? subscribe, History, Presence: false, JoinLeave: false);

    // The rules of docs/security.md written the obvious way, for concrete topics only.
    private sealed record Model(NamespaceTable Table, AuthIdentity? Identity)
    {
        public bool Allows(string topic, bool subscribe)
        {
            var ns = Table.Resolve(topic);
            var rule = subscribe ? ns.Subscribe : ns.Publish;
            if (rule == AccessRule.None || (rule != AccessRule.Anyone && Identity is null))
                return false;
            if (ns.Topics.Contains(NamespaceOptions.UserSegment)
                && (Identity is null || !TopicPattern.Matches(Fill(ns.Topics), topic)))
                return false;
            if (rule != AccessRule.Granted)
                return true;
            var grants = subscribe ? Identity!.SubscribeGrants : Identity!.PublishGrants;
            return grants.Any(g => TopicPattern.Matches(Fill(g), topic));
        }

        private string Fill(string pattern) => pattern.Replace(NamespaceOptions.UserSegment, Identity!.User);
    }
}
