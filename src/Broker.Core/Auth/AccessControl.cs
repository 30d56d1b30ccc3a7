using Broker.Core.Namespaces;
using Broker.Protocol.Client;

namespace Broker.Core.Auth;

/// <summary>
/// What one connection may subscribe to and publish on, from the namespaces' <c>subscribe</c>/<c>publish</c> rules and
/// its token (docs/security.md). Built once per identity (at connect, refresh, or for anonymous connections once per
/// node), so the per-publish check allocates nothing.
/// <para>
/// A namespace whose <c>topics</c> holds <c>{user}</c> admits only topics whose segment there is the caller's own
/// <c>sub</c>, whatever its rule (an anonymous connection has none). A wildcard subscription is allowed only when every
/// topic it can match is allowed: it is split by the namespaces it overlaps (most specific first, until one contains
/// it), and each part must be allowed as a whole; under <c>granted</c> the part must lie inside a single grant. This is
/// conservative: a pattern covered only by the union of two grants is refused.
/// </para>
/// </summary>
public sealed class AccessControl
{
    private const string User = NamespaceOptions.UserSegment;

    private readonly NamespaceTable _table;
    private readonly AuthIdentity? _identity;
    // For namespaces with {user}: the pattern with the caller's sub filled in (null: the caller can own no topic there).
    private readonly Dictionary<NamespaceOptions, string?> _scoped = new(ReferenceEqualityComparer.Instance);
    private readonly string[] _subscribeGrants;
    private readonly string[] _publishGrants;

    /// <summary>The rules for <paramref name="identity"/> (null: an anonymous connection).</summary>
    public AccessControl(NamespaceTable table, AuthIdentity? identity)
    {
        _table = table;
        _identity = identity;
        foreach (var ns in table.Namespaces.Append(table.Default))
            if (HasUser(ns.Topics))
                _scoped[ns] = Substitute(ns.Topics);
        _subscribeGrants = Grants(identity?.SubscribeGrants);
        _publishGrants = Grants(identity?.PublishGrants);
    }

    /// <summary>The identity these rules are for; null when anonymous.</summary>
    public AuthIdentity? Identity => _identity;

    /// <summary>Whether the connection may publish on the concrete <paramref name="topic"/>. Allocation-free.</summary>
    public bool CanPublish(string topic)
    {
        var ns = _table.Resolve(topic);
        if (!MayUse(ns, ns.Publish))
            return false;
        if (_scoped.TryGetValue(ns, out var scoped) && (scoped is null || !TopicPattern.Matches(scoped, topic)))
            return false;
        if (ns.Publish != AccessRule.Granted)
            return true;
        foreach (var grant in _publishGrants)
            if (TopicPattern.Matches(grant, topic))
                return true;
        return false;
    }

    /// <summary>Whether the connection may subscribe to <paramref name="key"/>, a topic or a wildcard pattern.</summary>
    public bool CanSubscribe(string key)
    {
        var pattern = key.Split('.');
        foreach (var ns in _table.Namespaces)
        {
            var nsPattern = NamespaceTable.ToMatchPattern(ns.Topics).Split('.');
            if (PatternAlgebra.Intersect(pattern, nsPattern) is not { } part)
                continue;
            if (!MaySubscribe(ns, part))
                return false;
            if (PatternAlgebra.Contains(nsPattern, pattern))
                return true; // every topic of the key resolves to this namespace or a more specific one, all checked
        }
        return MaySubscribe(_table.Default, pattern);
    }

    // Every topic of part (which lies inside ns's pattern) must be allowed by ns's subscribe rule.
    private bool MaySubscribe(NamespaceOptions ns, string[] part)
    {
        if (!MayUse(ns, ns.Subscribe))
            return false;
        if (_scoped.TryGetValue(ns, out var scoped) && (scoped is null || !PatternAlgebra.Contains(scoped.Split('.'), part)))
            return false;
        if (ns.Subscribe != AccessRule.Granted)
            return true;
        foreach (var grant in _subscribeGrants)
            if (PatternAlgebra.Contains(grant.Split('.'), part))
                return true;
        return false;
    }

    private bool MayUse(NamespaceOptions ns, AccessRule rule) => rule switch
    {
        AccessRule.Anyone => _identity is not null || !HasUser(ns.Topics),
        AccessRule.Authenticated or AccessRule.Granted => _identity is not null,
        _ => false,
    };

    private string[] Grants(IReadOnlyList<string>? grants) =>
        grants is null ? [] : grants.Select(Substitute).OfType<string>().ToArray();

    // The pattern with each {user} segment replaced by the caller's sub; null when there is no caller, or the sub cannot
    // be one topic segment (it holds '.', a wildcard or another character topics do not allow): it owns no topic then.
    private string? Substitute(string pattern)
    {
        if (!HasUser(pattern))
            return TopicName.Validate(pattern, allowWildcards: true) is null ? pattern : null;
        if (_identity is null || _identity.User.Contains('.') || TopicName.IsPattern(_identity.User)
            || TopicName.Validate(_identity.User, allowWildcards: false) is not null)
            return null;
        var filled = string.Join('.', pattern.Split('.').Select(s => s == User ? _identity.User : s));
        return TopicName.Validate(filled, allowWildcards: true) is null ? filled : null;
    }

    private static bool HasUser(string pattern) => pattern.Contains(User, StringComparison.Ordinal);
}
