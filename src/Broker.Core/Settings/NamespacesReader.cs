using Akka.Configuration;
using Broker.Core.Namespaces;
using Broker.Protocol.Client;

namespace Broker.Core.Settings;

/// <summary>
/// Reads <c>broker.namespaces</c>: <c>default</c> gives every option; another namespace names its <c>topics</c> pattern
/// and overrides any of the default's options. Errors name the offending key.
/// </summary>
internal static class NamespacesReader
{
    private const string Root = "broker.namespaces";

    public static NamespaceTable Read(Config namespaces, AuthSettings auth)
    {
        if (!namespaces.HasPath("default"))
            throw new ConfigurationException($"missing setting {Root}.default");
        var defaultSection = namespaces.GetConfig("default");
        if (defaultSection.HasPath("topics"))
            throw new ConfigurationException($"{Root}.default.topics: the default namespace covers every other topic");
        var @default = ReadOne("default", ">", defaultSection, Config.Empty, auth);

        var others = new List<NamespaceOptions>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in namespaces.Root.GetObject().Items.Keys.Where(k => k != "default").Order(StringComparer.Ordinal))
        {
            var path = $"{Root}.{name}";
            if (!namespaces.Root.GetObject().Items[name].IsObject())
                throw new ConfigurationException($"{path} must be an object {{ topics = \"PATTERN\", ... }}");
            var section = namespaces.GetConfig(name);
            var topics = section.HasPath("topics") ? section.GetString("topics") : null;
            if (string.IsNullOrWhiteSpace(topics))
                throw new ConfigurationException($"missing setting {path}.topics");
            ValidatePattern(topics, $"{path}.topics");
            var matchPattern = NamespaceTable.ToMatchPattern(topics);
            if (seen.TryGetValue(matchPattern, out var other))
                throw new ConfigurationException($"{path}.topics: the same topics as {Root}.{other}.topics");
            seen.Add(matchPattern, name);
            others.Add(ReadOne(name, topics, section, defaultSection, auth));
        }
        return new NamespaceTable(@default, others);
    }

    // Each option comes from the namespace's own section, else from the default namespace's.
    private static NamespaceOptions ReadOne(string name, string topics, Config own, Config fallback, AuthSettings auth)
    {
        var merged = own.WithFallback(fallback);
        var path = $"{Root}.{name}";
        return new NamespaceOptions(
            name,
            topics,
            Access(merged, "subscribe", path, auth),
            Access(merged, "publish", path, auth),
            new HistoryOptions(
                checked((int)Range(merged, "history.size", path, 0, 1_000_000)),
                Duration(merged, "history.ttl", path)),
            Switch(merged, "presence", path),
            Switch(merged, "join-leave", path));
    }

    private static void ValidatePattern(string topics, string path)
    {
        var segments = topics.Split('.');
        if (segments.Any(s => s != NamespaceOptions.UserSegment && s.Contains('{')))
            throw new ConfigurationException($"{path}: {{user}} must be a whole segment");
        var error = TopicName.Validate(string.Join('.', segments.Select(s => s == NamespaceOptions.UserSegment ? "u" : s)),
            allowWildcards: true);
        if (error is not null)
            throw new ConfigurationException($"{path}: {error}");
    }

    // "auto": anyone while anonymous connections are allowed, authenticated otherwise.
    private static AccessRule Access(Config config, string key, string path, AuthSettings auth) =>
        Required(config, key, path).ToLowerInvariant() switch
        {
            "auto" => auth.AllowAnonymous ? AccessRule.Anyone : AccessRule.Authenticated,
            "anyone" => AccessRule.Anyone,
            "authenticated" => AccessRule.Authenticated,
            "granted" => AccessRule.Granted,
            "none" => AccessRule.None,
            var other => throw new ConfigurationException(
                $"{path}.{key} = \"{other}\": expected anyone, authenticated, granted, none or auto"),
        };

    private static bool Switch(Config config, string key, string path) =>
        Required(config, key, path).ToLowerInvariant() switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            var other => throw new ConfigurationException($"{path}.{key} = \"{other}\": expected on or off"),
        };

    private static long Range(Config config, string key, string path, long min, long max)
    {
        Required(config, key, path);
        long value;
        try
        {
            value = config.GetLong(key);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ConfigurationException)
        {
            throw new ConfigurationException($"{path}.{key} must be a whole number");
        }
        return value >= min && value <= max
            ? value
            : throw new ConfigurationException($"{path}.{key} must be {min}-{max}");
    }

    private static TimeSpan Duration(Config config, string key, string path)
    {
        Required(config, key, path);
        TimeSpan value;
        try
        {
            value = config.GetTimeSpan(key, null, allowInfinite: false);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ConfigurationException)
        {
            throw new ConfigurationException($"{path}.{key} must be a duration such as 30s or 1h");
        }
        return value > TimeSpan.Zero ? value : throw new ConfigurationException($"{path}.{key} must be positive");
    }

    private static string Required(Config config, string key, string path)
    {
        var value = config.HasPath(key) ? config.GetString(key) : null;
        return string.IsNullOrWhiteSpace(value) ? throw new ConfigurationException($"missing setting {path}.{key}") : value;
    }
}
