using Akka.Configuration;

namespace Broker.Redis.Tests;

public sealed class RedisSettingsTests
{
    [Fact]
    public void Create_ShippedDefaults_PinsEveryBrokerRedisKey() =>
        Assert.Equal(
            new RedisSettings("127.0.0.1:6379", "", false, "broker:", TimeSpan.FromSeconds(5),
                TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5))
            {
                PresenceTtl = TimeSpan.FromSeconds(30),
            },
            RedisSettings.Create(Defaults.Config));

    [Fact]
    public void Create_Overrides_TakePrecedenceOverDefaults()
    {
        var settings = RedisSettings.Create(ConfigurationFactory
            .ParseString("broker.redis { endpoint = \"redis:7000\", password = s3cret, tls = on }")
            .WithFallback(Defaults.Config));

        Assert.Equal(("redis:7000", "s3cret", true), (settings.Endpoint, settings.Password, settings.Tls));
    }

    [Fact]
    public void Create_MissingKey_Throws() =>
        Assert.Throws<ConfigurationException>(() =>
            RedisSettings.Create(ConfigurationFactory.ParseString("broker.redis { endpoint = \"x:1\" }")));

    [Fact]
    public void Create_BackplaneTypeDefault_IsMemory() =>
        Assert.Equal("memory", Defaults.Config.GetString("broker.backplane.type"));
}
