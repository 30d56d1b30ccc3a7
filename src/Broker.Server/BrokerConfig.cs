using System.Collections;
using System.Text;
using Akka.Configuration;

namespace Broker.Server;

/// <summary>
/// Builds the node's one merged HOCON: hocon/broker.hocon (next to the binary), then <c>--config FILE</c>, then
/// environment variables, then command-line flags; each layer overrides the ones before it.
/// </summary>
internal static class BrokerConfig
{
    /// <summary>Flags that set one HOCON path each: adding a flag is one line here.</summary>
    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["--host"] = "broker.http.host",
        ["--port"] = "broker.http.port",
    };

    private const string ConfigFlag = "--config";
    private const string EnvironmentPrefix = "BROKER__";

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
            else if (Flags.TryGetValue(flag, out var path))
                AppendSetting(flagLines, path, value);
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
    /// lower-cased. A value starting with '[' is read as a HOCON list; anything else as a string (HOCON converts it
    /// to the number, duration or boolean the key needs).
    /// </summary>
    internal static Config FromEnvironment(IDictionary environment)
    {
        var lines = new StringBuilder();
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is not string name || !name.StartsWith(EnvironmentPrefix, StringComparison.OrdinalIgnoreCase))
                continue;
            var path = name.ToLowerInvariant().Replace("__", ".", StringComparison.Ordinal).Replace('_', '-');
            AppendSetting(lines, path, entry.Value as string ?? "");
        }
        return ConfigurationFactory.ParseString(lines.ToString());
    }

    private static void AppendSetting(StringBuilder lines, string path, string value)
    {
        lines.Append(path).Append(" = ");
        if (value.TrimStart().StartsWith('['))
            lines.Append(value);
        else
            lines.Append('"').Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
        lines.Append('\n');
    }
}
