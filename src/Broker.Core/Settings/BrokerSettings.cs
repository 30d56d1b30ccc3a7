using Akka.Configuration;
using Broker.Core.Namespaces;
using Broker.Protocol.Compression;

namespace Broker.Core.Settings;

/// <summary>
/// Every broker setting, read once from the merged HOCON (hocon/broker.hocon, then overrides) into immutable records.
/// No defaults live here: a missing key is an error, because hocon/broker.hocon holds every default.
/// </summary>
public sealed record BrokerSettings(
    HttpSettings Http,
    WebSocketSettings WebSocket,
    LimitsSettings Limits,
    ShutdownSettings Shutdown,
    AuthSettings Auth,
    NamespaceTable Namespaces)
{
    /// <summary>Reads the <c>broker</c> section of <paramref name="config"/>; throws <see cref="ConfigurationException"/> on missing or invalid keys.</summary>
    public static BrokerSettings Create(Config config)
    {
        var broker = config.GetConfig("broker") ?? throw new ConfigurationException("missing section broker");
        var auth = ReadAuth(Section(broker, "auth"));
        return new BrokerSettings(
            ReadHttp(Section(broker, "http")),
            ReadWebSocket(Section(broker, "websocket")),
            new LimitsSettings(PositiveInt(Section(broker, "limits"), "max-connections")),
            new ShutdownSettings(Duration(Section(broker, "shutdown"), "drain-timeout")),
            auth,
            NamespacesReader.Read(Section(broker, "namespaces"), auth));
    }

    private static AuthSettings ReadAuth(Config auth) =>
        new((auth.GetString("anonymous") ?? throw Missing("anonymous")).ToLowerInvariant() switch
        {
            "allow" => true,
            "deny" => false,
            var other => throw new ConfigurationException($"broker.auth.anonymous = \"{other}\": expected allow or deny"),
        });

    private static HttpSettings ReadHttp(Config http) => new(
        RequiredString(http, "host"),
        Port(http),
        http.GetStringList("allowed-origins").ToArray(),
        Boolean(http, "echo-endpoint"),
        http.GetString("api-key") ?? throw Missing("api-key"),
        OptionalRate(http, "publish-rate"),
        PositiveInt(http, "publish-burst"));

    private static WebSocketSettings ReadWebSocket(Config ws)
    {
        var ping = OptionalDuration(ws, "ping-interval");
        var idle = Duration(ws, "idle-timeout");
        if (ping is { } interval && idle <= interval)
            throw new ConfigurationException("broker.websocket.idle-timeout must exceed ping-interval");
        var deflate = Section(ws, "permessage-deflate");
        var windowBits = PositiveInt(deflate, "server-max-window-bits");
        if (windowBits is < 9 or > 15)
            throw new ConfigurationException("broker.websocket.permessage-deflate.server-max-window-bits must be 9-15");
        return new WebSocketSettings(
            PositiveLong(ws, "max-message-bytes"),
            ping,
            idle,
            Duration(ws, "close-timeout"),
            PositiveLong(ws, "max-queued-bytes"),
            PositiveInt(ws, "max-queued-messages"),
            ws.GetStringList("subprotocols").ToArray(),
            new DeflateSettings(
                Boolean(deflate, "enabled"),
                windowBits,
                Boolean(deflate, "server-no-context-takeover"),
                checked((int)NonNegativeLong(deflate, "compression-threshold"))),
            Duration(ws, "max-message-duration"),
            checked((int)NonNegativeLong(ws, "max-empty-fragments")));
    }

    // A positive rate per second, or "off".
    private static double? OptionalRate(Config config, string path)
    {
        var text = config.GetString(path) ?? throw Missing(path);
        if (text is "off" or "false")
            return null;
        return double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture,
            out var rate) && rate > 0 && double.IsFinite(rate)
            ? rate
            : throw new ConfigurationException($"{path} must be a positive number or off");
    }

    private static Config Section(Config config, string path) =>
        config.HasPath(path) ? config.GetConfig(path) : throw Missing(path);

    private static string RequiredString(Config config, string path)
    {
        var value = config.GetString(path);
        return string.IsNullOrWhiteSpace(value) ? throw Missing(path) : value;
    }

    private static bool Boolean(Config config, string path) =>
        config.HasPath(path) ? config.GetBoolean(path) : throw Missing(path);

    private static int Port(Config config)
    {
        var port = config.HasPath("port") ? config.GetInt("port") : throw Missing("port");
        return port is >= 0 and <= 65535 ? port : throw new ConfigurationException("broker.http.port must be 0-65535");
    }

    private static int PositiveInt(Config config, string path) => checked((int)PositiveLong(config, path));

    private static long PositiveLong(Config config, string path)
    {
        var value = NonNegativeLong(config, path);
        return value > 0 ? value : throw new ConfigurationException($"{path} must be positive");
    }

    private static long NonNegativeLong(Config config, string path)
    {
        var value = config.HasPath(path) ? config.GetLong(path) : throw Missing(path);
        return value >= 0 ? value : throw new ConfigurationException($"{path} must not be negative");
    }

    private static TimeSpan Duration(Config config, string path) =>
        OptionalDuration(config, path) ?? throw new ConfigurationException($"{path} cannot be off");

    // "off" disables a timer (HOCON has no null duration).
    private static TimeSpan? OptionalDuration(Config config, string path)
    {
        if (!config.HasPath(path))
            throw Missing(path);
        if (string.Equals(config.GetString(path), "off", StringComparison.OrdinalIgnoreCase))
            return null;
        var value = config.GetTimeSpan(path, allowInfinite: false);
        return value > TimeSpan.Zero ? value : throw new ConfigurationException($"{path} must be positive");
    }

    private static ConfigurationException Missing(string path) => new($"missing setting {path}");
}
