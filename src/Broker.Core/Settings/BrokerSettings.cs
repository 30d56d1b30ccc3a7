using Akka.Configuration;
using Broker.Core.Namespaces;
using Broker.Protocol.Compression;

namespace Broker.Core.Settings;

/// <summary>
/// Every <c>broker</c> setting the node's endpoints use, read once from the merged HOCON (hocon/broker.hocon, then
/// overrides) into immutable records through <see cref="SettingsSection"/>: a missing key or a value out of range stops
/// the node at startup with an error that names the key. <c>broker.limits</c>' pub/sub keys and <c>broker.pubsub</c>
/// are read by <c>PubSubSettings</c>, <c>broker.redis</c> by <c>RedisSettings</c>, the same way.
/// </summary>
public sealed record BrokerSettings(
    HttpSettings Http,
    WebSocketSettings WebSocket,
    LimitsSettings Limits,
    ShutdownSettings Shutdown,
    AuthSettings Auth,
    NamespaceTable Namespaces)
{
    /// <summary>Largest message a connection may be configured to take: 1 GiB keeps every derived size within an int.</summary>
    public const long MaxMessageBytesLimit = 1L << 30;

    /// <summary>Reads the <c>broker</c> section of <paramref name="config"/>; throws <see cref="ConfigurationException"/> on missing or invalid keys.</summary>
    public static BrokerSettings Create(Config config)
    {
        var broker = SettingsSection.Of(config, "broker");
        var auth = AuthSettings.Read(broker.Section("auth"));
        return new BrokerSettings(
            HttpSettings.Read(broker.Section("http")),
            ReadWebSocket(broker.Section("websocket")),
            new LimitsSettings(broker.Section("limits").Int("max-connections", 1, 10_000_000),
                broker.Section("limits").OptionalInt("max-connections-per-ip", 1, 10_000_000),
                broker.Section("limits").OptionalLong("max-outbound-bytes", 1, 1L << 50)),
            new ShutdownSettings(broker.Section("shutdown").Duration("drain-timeout")),
            auth,
            NamespacesReader.Read(broker.Section("namespaces"), auth));
    }

    private static WebSocketSettings ReadWebSocket(SettingsSection ws)
    {
        var ping = ws.OptionalDuration("ping-interval");
        var idle = ws.Duration("idle-timeout");
        if (ping is { } interval && idle <= interval)
            throw ws.Invalid("idle-timeout", "must exceed ping-interval");
        var maxMessage = ws.Long("max-message-bytes", 1, MaxMessageBytesLimit);
        var deflate = ws.Section("permessage-deflate");
        return new WebSocketSettings(
            maxMessage,
            ping,
            idle,
            ws.Duration("close-timeout"),
            ws.Long("max-queued-bytes", 1, long.MaxValue / 2),
            ws.Int("max-queued-messages", 1, 100_000_000),
            ws.StringList("subprotocols"),
            new DeflateSettings(
                deflate.Switch("enabled"),
                deflate.Int("server-max-window-bits", 9, 15),
                deflate.Switch("server-no-context-takeover"),
                deflate.Int("compression-threshold", 0, (int)maxMessage)),
            ws.Duration("max-message-duration"),
            ws.Int("max-empty-fragments", 0, 1_000_000));
    }
}
