using Akka.Configuration;
using Broker.Core.Settings;

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
        var redis = SettingsSection.Of(config, "broker.redis");
        var backoff = redis.Duration("reconnect-backoff");
        var maxBackoff = redis.Duration("reconnect-max-backoff");
        if (maxBackoff < backoff)
            throw redis.Invalid("reconnect-max-backoff", "must not be shorter than reconnect-backoff");
        return new RedisSettings(
            Endpoint: redis.NonEmptyString("endpoint"),
            Password: redis.String("password"),
            Tls: redis.Switch("tls"),
            KeyPrefix: redis.String("key-prefix"),
            ConnectTimeout: redis.Duration("connect-timeout"),
            OperationTimeout: redis.Duration("operation-timeout"),
            ReconnectBackoff: backoff,
            ReconnectMaxBackoff: maxBackoff);
    }
}
