using System.Globalization;
using Akka.Configuration;

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
    int MaxWildcardSegments = int.MaxValue)
{
    /// <summary>Reads the settings from a configuration holding the <c>broker</c> root.</summary>
    public static PubSubSettings Create(Config config)
    {
        var limits = config.GetConfig("broker.limits");
        return new PubSubSettings(
            TopicIdleTtl: config.GetTimeSpan("broker.pubsub.topic-idle-ttl", null, allowInfinite: false),
            MaxSubscriptionsPerConnection: limits.GetInt("max-subscriptions-per-connection"),
            MaxPublishBytes: limits.GetInt("max-publish-bytes"),
            PublishRate: ParseRate(limits.GetString("publish-rate")),
            PublishBurst: limits.GetInt("publish-burst"),
            MaxViolations: limits.GetInt("max-violations"),
            SubscribeRate: ParseRate(limits.GetString("subscribe-rate")),
            SubscribeBurst: limits.GetInt("subscribe-burst"),
            MaxWildcardSubscriptionsPerConnection: limits.GetInt("max-wildcard-subscriptions-per-connection"),
            MaxWildcardSegments: limits.GetInt("max-wildcard-segments"));
    }

    private static double? ParseRate(string value) =>
        value is "off" or "false"
            ? null
            : double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
}
