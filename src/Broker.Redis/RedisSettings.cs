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
    /// <summary>How long a presence entry lives without its node's refresh (<c>presence-ttl</c>); refreshed every third of it.</summary>
    public TimeSpan PresenceTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads <c>broker.redis</c> from the node's whole config; a missing key is an error, not a hidden default.</summary>
    public static RedisSettings Create(Config config)
    {
        var redis = SettingsSection.Of(config, "broker.redis");
        var backoff = redis.Duration("reconnect-backoff");
        var maxBackoff = redis.Duration("reconnect-max-backoff");
        var presenceTtl = redis.Duration("presence-ttl");
        if (presenceTtl < TimeSpan.FromSeconds(1) || presenceTtl > TimeSpan.FromMinutes(10))
            throw redis.Invalid("presence-ttl", "must be 1s-10m");
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
            ReconnectMaxBackoff: maxBackoff)
        {
            PresenceTtl = presenceTtl,
        };
    }
}
