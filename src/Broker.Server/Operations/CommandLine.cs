using System.Reflection;

namespace Broker.Server.Operations;

/// <summary><c>--help</c> and <c>--version</c>: answered before any setting is read, printed on stdout, exit 0.</summary>
internal static class CommandLine
{
    /// <summary>One line per flag BrokerConfig knows; a test fails when a flag is added without its line here.</summary>
    internal static readonly IReadOnlyDictionary<string, string> FlagHelp = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["--host"] = "ADDR       address to bind (broker.http.host; 0.0.0.0 = every interface)",
        ["--port"] = "N          HTTP/WebSocket port (broker.http.port; 0 = any free port)",
        ["--config"] = "FILE     a HOCON file layered over hocon/broker.hocon (any broker.* or akka.* key)",
        ["--redis"] = "HOST:PORT use the Redis backplane at HOST:PORT (cluster mode)",
        ["--cluster-host"] = "H  address other nodes reach this node's Akka.Cluster endpoint on",
        ["--cluster-port"] = "N  Akka.Cluster port of this node",
        ["--seeds"] = "H:P,H:P    cluster seed nodes; enables the cluster (the first may be this node)",
        ["--help"] = "           print this help and exit",
        ["--version"] = "        print the version and exit",
    };

    /// <summary>The product version: the assembly's informational version (with the source commit when built from git).</summary>
    public static string Version =>
        typeof(CommandLine).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Prints the help or the version when asked; true when the process should exit 0 without starting a node.</summary>
    public static bool TryAnswer(IReadOnlyList<string> args, TextWriter output)
    {
        if (args.Any(a => a is "--help" or "-h"))
        {
            output.Write(Help());
            return true;
        }
        if (args.Contains("--version"))
        {
            output.WriteLine($"broker {Version}");
            return true;
        }
        return false;
    }

    internal static string Help()
    {
        var text = new System.Text.StringBuilder()
            .AppendLine($"broker {Version}: a real-time publish/subscribe broker (WebSocket, HTTP publish, Redis + Akka.Cluster)")
            .AppendLine()
            .AppendLine("usage: Broker.Server [flags]")
            .AppendLine();
        foreach (var (flag, help) in FlagHelp)
            text.Append("  ").Append(flag).Append(' ').AppendLine(help);
        return text
            .AppendLine()
            .AppendLine("Every setting is in hocon/broker.hocon; layers: that file, --config FILE, environment variables")
            .AppendLine("BROKER__SECTION__KEY (BROKER__HTTP__PORT=9000), then the flags above. Docs: README.md.")
            .ToString();
    }
}
