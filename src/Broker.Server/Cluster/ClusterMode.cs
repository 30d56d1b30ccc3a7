using Akka.Configuration;

namespace Broker.Server.Cluster;

/// <summary>
/// Decides between one node (Akka's local provider, nothing to configure) and cluster mode, which starts when
/// <c>akka.cluster.seed-nodes</c> is non-empty (from <c>--seeds</c>, a <c>--config</c> file or
/// <c>AKKA__CLUSTER__SEED_NODES</c>). Cluster mode layers hocon/cluster.hocon under every override.
/// </summary>
internal static class ClusterMode
{
    /// <summary>The one ActorSystem name; seed addresses (akka.tcp://broker@host:port) must carry the same name.</summary>
    public const string ActorSystemName = "broker";

    private const string SeedNodesPath = "akka.cluster.seed-nodes";

    /// <summary>The cluster layer copied next to the binary, beside broker.hocon.</summary>
    public static string DefaultsPath => Path.Combine(AppContext.BaseDirectory, "hocon", "cluster.hocon");

    public static bool IsEnabled(Config config) =>
        config.HasPath(SeedNodesPath) && config.GetStringList(SeedNodesPath).Count > 0;

    /// <summary>
    /// Returns <paramref name="merged"/> with cluster.hocon as its lowest layer in cluster mode, else unchanged.
    /// broker.hocon sets no key that cluster.hocon sets, so "below broker.hocon" is the same as "between it and the
    /// overrides": a flag, environment variable or --config file still wins over cluster.hocon.
    /// </summary>
    public static Config Layer(Config merged, string clusterDefaultsPath) =>
        IsEnabled(merged)
            ? merged.WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(clusterDefaultsPath)))
            : merged;
}
