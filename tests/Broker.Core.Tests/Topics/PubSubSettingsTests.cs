using Akka.Configuration;
using Broker.Core.Topics;

namespace Broker.Core.Tests.Topics;

public class PubSubSettingsTests
{
    private static Config Defaults()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "hocon", "broker.hocon")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        return ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(dir.FullName, "hocon", "broker.hocon")));
    }

    [Fact]
    public void Create_FromBrokerHocon_PinsEveryDefault()
    {
        var settings = PubSubSettings.Create(Defaults());

        Assert.Equal(new PubSubSettings(
            TopicIdleTtl: TimeSpan.FromSeconds(30),
            MaxSubscriptionsPerConnection: 1000,
            MaxPublishBytes: 65536,
            PublishRate: 1000,
            PublishBurst: 2000,
            MaxViolations: 100,
            SubscribeRate: 100,
            SubscribeBurst: 200,
            MaxWildcardSubscriptionsPerConnection: 100,
            MaxWildcardSegments: 4,
            MaxPublishesInFlight: 128,
            MaxPublishBytesInFlight: 1 << 20,
            MaxTopics: 100000,
            MaxWildcardPatterns: 10000), settings);
    }

    [Fact]
    public void Create_PublishRateOff_IsNull()
    {
        var config = ConfigurationFactory.ParseString("broker.limits.publish-rate = off").WithFallback(Defaults());

        Assert.Null(PubSubSettings.Create(config).PublishRate);
    }

    [Fact]
    public void Create_Overrides_StackOnDefaults()
    {
        var config = ConfigurationFactory.ParseString("broker.pubsub.topic-idle-ttl = 250ms\nbroker.limits.publish-rate = 2.5")
            .WithFallback(Defaults());

        var settings = PubSubSettings.Create(config);

        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.TopicIdleTtl);
        Assert.Equal(2.5, settings.PublishRate);
    }
}
