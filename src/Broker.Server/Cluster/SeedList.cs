using System.Globalization;
using System.Text;

namespace Broker.Server.Cluster;

/// <summary>Turns <c>--seeds host:port,host:port</c> into the HOCON list akka.cluster.seed-nodes takes.</summary>
internal static class SeedList
{
    /// <summary>
    /// <c>node1:4053,node2:4053</c> becomes <c>["akka.tcp://broker@node1:4053", "akka.tcp://broker@node2:4053"]</c>.
    /// Throws <see cref="ArgumentException"/> for an entry that is not host:port, so a typo stops the node at start
    /// instead of leaving it waiting for a seed that can never answer.
    /// </summary>
    public static string ToHoconList(string seeds)
    {
        var list = new StringBuilder("[");
        foreach (var seed in seeds.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = seed.LastIndexOf(':');
            var host = colon > 0 ? seed[..colon] : "";
            if (host.Length == 0 || !IsHostName(host) || !IsPort(seed[(colon + 1)..]))
                throw new ArgumentException($"--seeds entry '{seed}' is not host:port");
            if (list.Length > 1) list.Append(", ");
            list.Append("\"akka.tcp://").Append(ClusterMode.ActorSystemName).Append('@').Append(seed).Append('"');
        }
        if (list.Length == 1) throw new ArgumentException("--seeds needs at least one host:port");
        return list.Append(']').ToString();
    }

    // Names, IPv4 addresses; the value goes into a quoted HOCON string, so quotes and spaces must not get through.
    private static bool IsHostName(string host) =>
        host.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    private static bool IsPort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535;
}
