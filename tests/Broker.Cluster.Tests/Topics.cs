namespace Broker.Cluster.Tests;

internal static class Topics
{
    /// <summary>A topic no other test (or earlier run against the same Redis) used, so its offsets start at 1.</summary>
    public static string Fresh(string name) => $"t{Guid.NewGuid():N}.{name}";
}
