using System.Collections;
using System.Text;
using Akka.Configuration;
using Broker.Server.Cluster;

namespace Broker.Server;

/// <summary>
/// Builds the node's one merged HOCON: hocon/broker.hocon (next to the binary), then <c>--config FILE</c>, then
/// environment variables, then command-line flags; each layer overrides the ones before it.
/// </summary>
internal static class BrokerConfig
{
    /// <summary>Every flag and the HOCON settings its value becomes: adding a flag is one line here.</summary>
    private static readonly Dictionary<string, Func<string, (string Path, string Value)[]>> Flags = new(StringComparer.Ordinal)
    {
        ["--host"] = v => [("broker.http.host", v)],
        ["--port"] = v => [("broker.http.port", v)],
        ["--redis"] = v => [("broker.backplane.type", "redis"), ("broker.redis.endpoint", v)],
        ["--cluster-host"] = v => [("akka.remote.dot-netty.tcp.hostname", v), ("akka.remote.dot-netty.tcp.public-hostname", v)],
        ["--cluster-port"] = v => [("akka.remote.dot-netty.tcp.port", v)],
        ["--seeds"] = v => [("akka.cluster.seed-nodes", SeedList.ToHoconList(v))],
    };

    private const string ConfigFlag = "--config";
    private static readonly string[] EnvironmentPrefixes = ["BROKER__", "AKKA__"];

    /// <summary>Every flag <see cref="Load"/> accepts (for <c>--help</c>).</summary>
    internal static IEnumerable<string> FlagNames => Flags.Keys.Prepend(ConfigFlag);

    /// <summary>The defaults file copied next to the binary.</summary>
    public static string DefaultsPath => Path.Combine(AppContext.BaseDirectory, "hocon", "broker.hocon");

    /// <summary>Merges every layer; throws <see cref="ArgumentException"/> for an unknown flag or a flag without a value.</summary>
    public static Config Load(IReadOnlyList<string> args, IDictionary environment, string defaultsPath)
    {
        var flagLines = new StringBuilder();
        Config file = Config.Empty;
        for (var i = 0; i < args.Count; i++)
        {
            var flag = args[i];
            if (i + 1 >= args.Count)
                throw new ArgumentException($"flag {flag} needs a value");
            var value = args[++i];
            if (flag == ConfigFlag)
                file = ConfigurationFactory.ParseString(File.ReadAllText(value));
            else if (Flags.TryGetValue(flag, out var settingsOf))
                foreach (var (path, setting) in settingsOf(value))
                    AppendSetting(flagLines, path, setting);
            else
                throw new ArgumentException($"unknown flag {flag}; known: {ConfigFlag}, {string.Join(", ", Flags.Keys)}");
        }
        return ConfigurationFactory.ParseString(flagLines.ToString())
            .WithFallback(FromEnvironment(environment))
            .WithFallback(file)
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(defaultsPath)));
    }

    /// <summary>
    /// BROKER__HTTP__PORT=9000 sets broker.http.port: double underscore is a dot, single underscore a hyphen, names are
    /// lower-cased; AKKA__ sets Akka's keys the same way (AKKA__CLUSTER__SEED_NODES, see hocon/cluster.hocon). A value
    /// starting with '[' is read as a HOCON list; anything else as a string (HOCON converts it to the number, duration or
    /// boolean the key needs).
    /// </summary>
    internal static Config FromEnvironment(IDictionary environment)
    {
        var lines = new StringBuilder();
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is not string name
                || !EnvironmentPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
                continue;
            AppendSetting(lines, PathOf(name), entry.Value as string ?? "");
        }
        return ConfigurationFactory.ParseString(lines.ToString());
    }

    private static void AppendSetting(StringBuilder lines, string path, string value)
    {
        lines.Append(path).Append(" = ")
            .Append(value.TrimStart().StartsWith('[') ? ListLiteral(path, value) : Quote(value))
            .Append('\n');
    }

    // A value starting with '[' must be one HOCON list of plain values and nothing else. It is parsed on its own and
    // written back element by element, each quoted, so a value such as "[]\nbroker.auth.anonymous = allow" cannot
    // set a second key, and an object or a substitution inside the list is refused.
    internal static string ListLiteral(string path, string value)
    {
        IList<string>? elements = null;
        try
        {
            var parsed = ConfigurationFactory.ParseString("v = " + value);
            var v = parsed.GetValue("v");
            // Akka's HOCON reports an empty list as neither array nor string: refuse scalars and sections, then read.
            if (parsed.Root.GetObject().Items.Count == 1 && v is not null && !v.IsString() && !v.IsObject())
                elements = parsed.GetStringList("v");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Reported below with the value's key: HOCON's own message names the synthetic "v".
        }
        if (elements is null || elements.Any(e => e is null))
            throw new ConfigurationException($"{path} = {value}: expected one list of plain values such as [\"a\", \"b\"]");
        return "[" + string.Join(", ", elements.Select(Quote)) + "]";
    }

    // A HOCON quoted string: JSON escapes, so a quote, backslash or newline in the value stays inside it.
    private static string Quote(string value)
    {
        var quoted = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
                quoted.Append('\\').Append(c);
            else if (char.IsControl(c))
                quoted.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            else
                quoted.Append(c);
        }
        return quoted.Append('"').ToString();
    }

    // Environment names become HOCON paths: only letters, digits and the separators may reach the parser.
    private static string PathOf(string name)
    {
        var path = name.ToLowerInvariant().Replace("__", ".", StringComparison.Ordinal).Replace('_', '-');
        return path.Split('.').All(s => s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            ? path
            : throw new ConfigurationException($"environment variable {name}: a setting name is letters, digits and single or double underscores");
    }
}
