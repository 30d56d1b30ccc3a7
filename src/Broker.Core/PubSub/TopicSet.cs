namespace Broker.Core.PubSub;

/// <summary>
/// The topics one connection holds. Most connections hold one, so the first is kept in a field and a set is made only
/// for a second (a <see cref="HashSet{T}"/> holding one topic is about 170 bytes on every idle connection).
/// A mutable struct: keep it in a field and call it there, never on a copy.
/// </summary>
internal struct TopicSet
{
    private string? _single;
    private HashSet<string>? _many;

    public readonly int Count => _many?.Count ?? (_single is null ? 0 : 1);

    /// <summary>The topics, for the rare paths that walk them (closing, a narrowed grant).</summary>
    public readonly IEnumerable<string> Items => _many ?? (_single is null ? [] : [_single]);

    public readonly bool Contains(string key) => _many?.Contains(key) ?? string.Equals(_single, key, StringComparison.Ordinal);

    public bool Add(string key)
    {
        if (_many is not null)
            return _many.Add(key);
        if (_single is null)
        {
            _single = key;
            return true;
        }
        if (string.Equals(_single, key, StringComparison.Ordinal))
            return false;
        _many = new HashSet<string>(StringComparer.Ordinal) { _single, key };
        _single = null;
        return true;
    }

    public bool Remove(string key)
    {
        if (_many is not null)
            return _many.Remove(key);
        if (!string.Equals(_single, key, StringComparison.Ordinal))
            return false;
        _single = null;
        return true;
    }

    public void Clear() => this = default;
}
