using Broker.Core.Namespaces;
using Broker.Protocol.Client;

namespace Broker.Core.Settings;

/// <summary>
/// Reads <c>broker.namespaces</c>: <c>default</c> gives every option; another namespace names its <c>topics</c> pattern
/// and overrides any of the default's options. Errors name the offending key.
/// </summary>
internal static class NamespacesReader
{
    public static NamespaceTable Read(SettingsSection namespaces, AuthSettings auth)
    {
        var defaultSection = namespaces.Section("default");
        if (defaultSection.Has("topics"))
            throw defaultSection.Invalid("topics", "the default namespace covers every other topic");
        var @default = ReadOne("default", ">", defaultSection, auth);

        var others = new List<NamespaceOptions>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in namespaces.Keys.Where(k => k != "default").Order(StringComparer.Ordinal))
        {
            if (!namespaces.IsSection(name))
                throw namespaces.Invalid(name, "must be an object { topics = \"PATTERN\", ... }");
            var section = namespaces.Section(name);
            var topics = section.NonEmptyString("topics");
            ValidatePattern(section, topics);
            var matchPattern = NamespaceTable.ToMatchPattern(topics);
            if (seen.TryGetValue(matchPattern, out var other))
                throw section.Invalid("topics", $"the same topics as {namespaces.Name(other)}.topics");
            seen.Add(matchPattern, name);
            others.Add(ReadOne(name, topics, section.WithFallback(defaultSection), auth));
        }
        return new NamespaceTable(@default, others);
    }

    // Each option comes from the namespace's own section, else from the default namespace's (merged by the caller).
    private static NamespaceOptions ReadOne(string name, string topics, SettingsSection merged, AuthSettings auth)
    {
        var history = merged.Section("history");
        return new NamespaceOptions(
            name,
            topics,
            Access(merged, "subscribe", auth),
            Access(merged, "publish", auth),
            new HistoryOptions(history.Int("size", 0, 1_000_000), history.Duration("ttl")),
            merged.Switch("presence"),
            merged.Switch("join-leave"))
        {
            JoinLeaveMaxSubscribers = merged.Int("join-leave-max-subscribers", 0, 10_000_000),
        };
    }

    private static void ValidatePattern(SettingsSection section, string topics)
    {
        var segments = topics.Split('.');
        if (segments.Any(s => s != NamespaceOptions.UserSegment && s.Contains('{')))
            throw section.Invalid("topics", "{user} must be a whole segment");
        var error = TopicName.Validate(string.Join('.', segments.Select(s => s == NamespaceOptions.UserSegment ? "u" : s)),
            allowWildcards: true);
        if (error is not null)
            throw section.Invalid("topics", error);
    }

    // "auto": anyone while anonymous connections are allowed, authenticated otherwise.
    private static AccessRule Access(SettingsSection section, string key, AuthSettings auth) =>
        section.Choice(key, "anyone", "authenticated", "granted", "none", "auto") switch
        {
            "auto" => auth.AllowAnonymous ? AccessRule.Anyone : AccessRule.Authenticated,
            "anyone" => AccessRule.Anyone,
            "authenticated" => AccessRule.Authenticated,
            "granted" => AccessRule.Granted,
            _ => AccessRule.None,
        };
}
