using System.Globalization;
using Akka.Configuration;

namespace Broker.Core.Settings;

/// <summary>
/// One section of the merged HOCON, read the one way every broker setting is read: each key is required (hocon/broker.hocon
/// holds every default, so a missing key is an error rather than a default hidden in code), each value is checked against
/// its range, and every error is a <see cref="ConfigurationException"/> that names the full key, e.g.
/// <c>broker.limits.publish-burst = 0: must be 1-2147483647</c>.
/// </summary>
public sealed class SettingsSection
{
    /// <summary>The longest duration any setting accepts: timers and Redis TTLs stay far from their overflow.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromDays(365);

    private readonly Config _config;

    private SettingsSection(Config config, string path)
    {
        _config = config;
        Path = path;
    }

    /// <summary>The full path of this section, e.g. <c>broker.http</c>.</summary>
    public string Path { get; }

    /// <summary>The section at <paramref name="path"/> (e.g. <c>broker.redis</c>) of the whole configuration.</summary>
    public static SettingsSection Of(Config config, string path) =>
        config.HasPath(path) && IsObject(config, path)
            ? new SettingsSection(config.GetConfig(path), path)
            : throw new ConfigurationException($"missing setting {path}");

    /// <summary>The sub-section <paramref name="key"/>.</summary>
    public SettingsSection Section(string key) =>
        Has(key) && IsObject(_config, key)
            ? new SettingsSection(_config.GetConfig(key), Name(key))
            : throw Missing(key);

    /// <summary>This section merged over <paramref name="fallback"/> (inherited options).</summary>
    public SettingsSection WithFallback(SettingsSection fallback) => new(_config.WithFallback(fallback._config), Path);

    /// <summary>Whether <paramref name="key"/> is present.</summary>
    public bool Has(string key) => _config.HasPath(key);

    /// <summary>The keys directly under this section, in file order.</summary>
    public IEnumerable<string> Keys => _config.Root.IsObject() ? _config.Root.GetObject().Items.Keys : [];

    /// <summary>Whether the value at <paramref name="key"/> is a section (an object) rather than a value.</summary>
    public bool IsSection(string key) => Has(key) && IsObject(_config, key);

    /// <summary>A string, possibly empty.</summary>
    public string String(string key)
    {
        var value = Value(key);
        if (value.IsObject() || value.IsArray())
            throw Invalid(key, "must be a single value, not a section or list");
        return value.GetString() ?? "";
    }

    /// <summary>A string that must not be empty or blank.</summary>
    public string NonEmptyString(string key)
    {
        var value = String(key);
        return string.IsNullOrWhiteSpace(value) ? throw Invalid(key, "must not be empty") : value;
    }

    /// <summary>One of <paramref name="choices"/> (compared case-insensitively; returned lower-case).</summary>
    public string Choice(string key, params string[] choices)
    {
        var value = String(key).ToLowerInvariant();
        return choices.Contains(value)
            ? value
            : throw BadValue(key, value, $"expected {string.Join(", ", choices.SkipLast(1))} or {choices[^1]}");
    }

    /// <summary>A switch: on/off, true/false or yes/no.</summary>
    public bool Switch(string key) =>
        String(key).ToLowerInvariant() switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            var other => throw BadValue(key, other, "expected on or off"),
        };

    /// <summary>A whole number in <paramref name="min"/>..<paramref name="max"/>.</summary>
    public long Long(string key, long min, long max)
    {
        var text = String(key).Trim();
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
            throw BadValue(key, text, "must be a whole number");
        return value >= min && value <= max ? value : throw BadValue(key, text, $"must be {min}-{max}");
    }

    /// <summary>A whole number in <paramref name="min"/>..<paramref name="max"/> that fits an <see cref="int"/>.</summary>
    public int Int(string key, int min, int max) => (int)Long(key, min, max);

    /// <summary>A finite number in <paramref name="min"/>..<paramref name="max"/> (fractions allowed).</summary>
    public double Double(string key, double min, double max)
    {
        var text = String(key).Trim();
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            throw BadValue(key, text, "must be a number");
        return value >= min && value <= max ? value : throw BadValue(key, text, $"must be {min}-{max}");
    }

    /// <summary>A whole number in range, or null when the value is <c>off</c>.</summary>
    public int? OptionalInt(string key, int min, int max) =>
        IsOff(key) ? null : Int(key, min, max);

    /// <summary>A whole number in range, or null when the value is <c>off</c>.</summary>
    public long? OptionalLong(string key, long min, long max) =>
        IsOff(key) ? null : Long(key, min, max);

    /// <summary>A number in range, or null when the value is <c>off</c>.</summary>
    public double? OptionalDouble(string key, double min, double max) =>
        IsOff(key) ? null : Double(key, min, max);

    /// <summary>A positive duration (<c>30s</c>, <c>250ms</c>, <c>1h</c>) no longer than <see cref="MaxDuration"/>.</summary>
    public TimeSpan Duration(string key) =>
        OptionalDuration(key) ?? throw Invalid(key, "cannot be off");

    /// <summary>A positive duration, or null when the value is <c>off</c> (HOCON has no null duration).</summary>
    public TimeSpan? OptionalDuration(string key)
    {
        if (IsOff(key))
            return null;
        TimeSpan value;
        try
        {
            value = _config.GetTimeSpan(key, null, allowInfinite: false);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ConfigurationException or ArgumentException)
        {
            throw BadValue(key, String(key), "must be a duration such as 30s or 1h");
        }
        if (value <= TimeSpan.Zero)
            throw Invalid(key, "must be positive");
        return value <= MaxDuration ? value : throw Invalid(key, $"must be at most {MaxDuration.TotalDays:0} days");
    }

    /// <summary>A list of strings (an empty list is allowed).</summary>
    public IReadOnlyList<string> StringList(string key)
    {
        var value = Value(key);
        // Akka's HOCON reports an empty list as neither array nor string, so a scalar or a section is what is refused.
        if (value.IsObject() || value.IsString())
            throw Invalid(key, "must be a list such as [\"a\", \"b\"]");
        try
        {
            return _config.GetStringList(key).ToArray();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw Invalid(key, "must be a list of strings");
        }
    }

    /// <summary>An error about <paramref name="key"/> of this section.</summary>
    public ConfigurationException Invalid(string key, string reason) => new($"{Name(key)}: {reason}");

    /// <summary>An error about the value <paramref name="value"/> of <paramref name="key"/>.</summary>
    public ConfigurationException BadValue(string key, string value, string reason) => new($"{Name(key)} = \"{value}\": {reason}");

    /// <summary>The full name of <paramref name="key"/>, e.g. <c>broker.http.port</c>.</summary>
    public string Name(string key) => $"{Path}.{key}";

    private bool IsOff(string key) =>
        string.Equals(String(key).Trim(), "off", StringComparison.OrdinalIgnoreCase);

    private Akka.Configuration.Hocon.HoconValue Value(string key) =>
        Has(key) ? _config.GetValue(key) : throw Missing(key);

    private ConfigurationException Missing(string key) => new($"missing setting {Name(key)}");

    private static bool IsObject(Config config, string path) => config.GetValue(path) is { } value && value.IsObject();
}
