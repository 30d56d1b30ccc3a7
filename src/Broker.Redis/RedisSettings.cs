using Akka.Configuration;

namespace Broker.Redis;

/// <summary>The <c>broker.redis</c> section of the HOCON config, read once. Every key has its default in hocon/broker.hocon.</summary>
public sealed record RedisSettings(
    string Endpoint,
    string Password,
    bool Tls,
    string KeyPrefix,
    TimeSpan ConnectTimeout,
    TimeSpan OperationTimeout,
    TimeSpan ReconnectBackoff,
    TimeSpan ReconnectMaxBackoff)
{
    /// <summary>Reads <c>broker.redis</c> from the node's whole config; a missing key is an error, not a hidden default.</summary>
    public static RedisSettings Create(Config config)
    {
        var redis = config.GetConfig("broker.redis")
                    ?? throw new ConfigurationException("missing config section broker.redis");
        var settings = new RedisSettings(
            Endpoint: Required(redis, "endpoint").GetString(),
            Password: Required(redis, "password").GetString() ?? "",
            Tls: Required(redis, "tls").GetBoolean(),
            KeyPrefix: Required(redis, "key-prefix").GetString() ?? "",
            ConnectTimeout: Required(redis, "connect-timeout").GetTimeSpan(),
            OperationTimeout: Required(redis, "operation-timeout").GetTimeSpan(),
            ReconnectBackoff: Required(redis, "reconnect-backoff").GetTimeSpan(),
            ReconnectMaxBackoff: Required(redis, "reconnect-max-backoff").GetTimeSpan());
        if (string.IsNullOrWhiteSpace(settings.Endpoint))
            throw new ConfigurationException("broker.redis.endpoint is empty");
        return settings;
    }

    private static Akka.Configuration.Hocon.HoconValue Required(Config section, string key) =>
        section.HasPath(key) ? section.GetValue(key) : throw new ConfigurationException($"missing broker.redis.{key}");
}
