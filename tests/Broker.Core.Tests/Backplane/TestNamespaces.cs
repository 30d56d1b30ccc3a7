using Broker.Core.Namespaces;

namespace Broker.Core.Tests.Backplane;

// Namespace tables for backplane tests: the shipped default (history 100 messages, 1h) unless a test needs another.
internal static class TestNamespaces
{
    public static NamespaceTable Default { get; } = With(size: 100, TimeSpan.FromHours(1));

    public static NamespaceTable With(int size, TimeSpan ttl) =>
        new(new NamespaceOptions("default", ">", AccessRule.Anyone, AccessRule.Anyone, new HistoryOptions(size, ttl),
            Presence: false, JoinLeave: false), []);
}
