using Microsoft.Extensions.Logging;

namespace Broker.Redis;

/// <summary>Broker.Redis log events; ids are stable (3000-3099) so alerts can key on them.</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
        Message = "Redis backplane lost Redis at {Endpoint} ({FailureType}); publishes fail until it is back")]
    public static partial void RedisLost(ILogger logger, string endpoint, string failureType, Exception? exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information,
        Message = "Redis backplane reconnected to {Endpoint}; subscriptions restored")]
    public static partial void RedisRestored(ILogger logger, string endpoint);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error,
        Message = "Redis backplane sink failed on topic {Topic} offset {Offset}; message skipped on this node")]
    public static partial void SinkFailed(ILogger logger, string topic, long offset, Exception exception);

    [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
        Message = "Redis backplane ignored a malformed message on channel {Channel} ({Length} bytes)")]
    public static partial void MalformedMessage(ILogger logger, string channel, int length);

    [LoggerMessage(EventId = 3005, Level = LogLevel.Information,
        Message = "Redis backplane connecting to {Endpoint} (tls {Tls}, key prefix '{KeyPrefix}')")]
    public static partial void Connecting(ILogger logger, string endpoint, bool tls, string keyPrefix);

    [LoggerMessage(EventId = 3006, Level = LogLevel.Debug,
        Message = "Redis backplane could not confirm the subscription change for {Pattern} now ({Reason}); it applies on reconnect")]
    public static partial void SubscriptionDeferred(ILogger logger, string pattern, string reason);

    [LoggerMessage(EventId = 3007, Level = LogLevel.Information,
        Message = "Redis backplane caught up {Topics} topics after the outage, replaying {Messages} missed messages")]
    public static partial void CaughtUp(ILogger logger, int topics, int messages);

    [LoggerMessage(EventId = 3008, Level = LogLevel.Debug,
        Message = "Redis backplane could not write presence of {Topic} now ({Reason}); the next refresh pass catches up")]
    public static partial void PresenceDeferred(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 3009, Level = LogLevel.Error,
        Message = "Redis backplane failed to catch up after the outage; held topics wait for the next reconnect")]
    public static partial void CatchUpFailed(ILogger logger, Exception exception);
}
