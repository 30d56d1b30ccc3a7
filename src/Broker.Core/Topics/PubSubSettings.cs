using Akka.Configuration;
using Broker.Core.Settings;

namespace Broker.Core.Topics;

/// <summary>
/// The pub/sub settings of <c>broker.pubsub</c> and the pub/sub keys of <c>broker.limits</c>, read once from the
/// stacked configuration (hocon/broker.hocon holds every default; none hide here).
/// </summary>
/// <param name="TopicIdleTtl">How long an empty topic actor lingers before it stops.</param>
/// <param name="MaxSubscriptionsPerConnection">Most subscriptions one connection may hold.</param>
/// <param name="MaxPublishBytes">Largest publish <c>data</c> value in bytes.</param>
/// <param name="PublishRate">Sustained publishes per second per connection; null when <c>off</c> (unlimited).</param>
/// <param name="PublishBurst">Token bucket size for publishes.</param>
/// <param name="MaxViolations">Consecutive rejected commands after which the connection is closed with 4002.</param>
/// <param name="SubscribeRate">Sustained subscribes plus unsubscribes per second per connection; null: unlimited.</param>
/// <param name="SubscribeBurst">Token bucket size for subscribes and unsubscribes.</param>
/// <param name="MaxWildcardSubscriptionsPerConnection">Most wildcard patterns one connection may hold (each is matched
/// against every publish on the node).</param>
/// <param name="MaxWildcardSegments">Most <c>*</c>/<c>&gt;</c> segments in one pattern.</param>
/// <param name="MaxPublishesInFlight">Publishes of one connection between parse and ack/error; at it the connection
/// stops reading its socket until one is answered.</param>
/// <param name="MaxTopics">Most subscription keys (topics and patterns) with a topic actor on this node.</param>
/// <param name="MaxWildcardPatterns">Most wildcard patterns with a topic actor on this node.</param>
/// <param name="MaxPublishBytesInFlight">The same bound on the publishes' data bytes.</param>
public sealed record PubSubSettings(
    TimeSpan TopicIdleTtl,
    int MaxSubscriptionsPerConnection,
    int MaxPublishBytes,
    double? PublishRate,
    int PublishBurst,
    int MaxViolations,
    double? SubscribeRate = null,
    int SubscribeBurst = int.MaxValue,
    int MaxWildcardSubscriptionsPerConnection = int.MaxValue,
    int MaxWildcardSegments = int.MaxValue,
    int MaxPublishesInFlight = int.MaxValue,
    long MaxPublishBytesInFlight = long.MaxValue,
    int MaxTopics = int.MaxValue,
    int MaxWildcardPatterns = int.MaxValue)
{
    /// <summary>Reads the settings from a configuration holding the <c>broker</c> root; errors name the key.</summary>
    public static PubSubSettings Create(Config config)
    {
        var limits = SettingsSection.Of(config, "broker.limits");
        var rate = limits.OptionalDouble("publish-rate", double.Epsilon, 1e9);
        return new PubSubSettings(
            TopicIdleTtl: SettingsSection.Of(config, "broker.pubsub").Duration("topic-idle-ttl"),
            MaxSubscriptionsPerConnection: limits.Int("max-subscriptions-per-connection", 1, 10_000_000),
            MaxPublishBytes: (int)limits.Long("max-publish-bytes", 1, BrokerSettings.MaxMessageBytesLimit),
            PublishRate: rate,
            // No zero burst: a bucket that holds no token would refuse every publish.
            PublishBurst: limits.Int("publish-burst", 1, int.MaxValue),
            MaxViolations: limits.Int("max-violations", 1, int.MaxValue),
            SubscribeRate: limits.OptionalDouble("subscribe-rate", double.Epsilon, 1e9),
            SubscribeBurst: limits.Int("subscribe-burst", 1, int.MaxValue),
            MaxWildcardSubscriptionsPerConnection: limits.Int("max-wildcard-subscriptions-per-connection", 0, 10_000_000),
            MaxWildcardSegments: limits.Int("max-wildcard-segments", 1, 100),
            MaxPublishesInFlight: limits.Int("max-publishes-in-flight", 1, 1_000_000),
            MaxPublishBytesInFlight: limits.Long("max-publish-bytes-in-flight", 1, 1L << 40),
            MaxTopics: limits.Int("max-topics", 1, 100_000_000),
            MaxWildcardPatterns: limits.Int("max-wildcard-patterns", 0, 10_000_000));
    }
}
