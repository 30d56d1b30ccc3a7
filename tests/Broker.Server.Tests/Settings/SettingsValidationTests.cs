using System.Collections;
using Akka.Configuration;
using Broker.Core.Settings;
using Broker.Core.Topics;
using Broker.Redis;

namespace Broker.Server.Tests.Settings;

/// <summary>One reader for every section: each invalid value stops the node with an error that names its key.</summary>
public sealed class SettingsValidationTests
{
    private static Config With(string hocon) =>
        ConfigurationFactory.ParseString(hocon).WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(BrokerConfig.DefaultsPath)));

    // Reads every section the way the node does at startup.
    private static void ReadAll(Config config)
    {
        BrokerSettings.Create(config);
        PubSubSettings.Create(config);
        RedisSettings.Create(config);
    }

    [Fact]
    public void Create_ShippedDefaults_PinsAuthAndHttpSecurityDefaults()
    {
        var settings = BrokerSettings.Create(With(""));

        Assert.Equal("", settings.Http.AdminKey);
        Assert.Null(settings.Http.Tls);
        Assert.True(settings.Auth.AllowAnonymous);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.Auth.ConnectTimeout);
        Assert.Equal(new JwtSettings("", [], "", "", "", TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(5),
            TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)) with { PublicKeyFiles = settings.Auth.Jwt.PublicKeyFiles },
            settings.Auth.Jwt);
        Assert.Empty(settings.Auth.Jwt.PublicKeyFiles);
        Assert.False(settings.Auth.Jwt.Enabled);
    }

    [Theory]
    [InlineData("broker.limits.publish-burst = 0", "broker.limits.publish-burst")]
    [InlineData("broker.limits.publish-rate = -1", "broker.limits.publish-rate")]
    [InlineData("broker.limits.publish-rate = 0", "broker.limits.publish-rate")]
    [InlineData("broker.limits.publish-rate = fast", "broker.limits.publish-rate")]
    [InlineData("broker.limits.max-subscriptions-per-connection = -5", "broker.limits.max-subscriptions-per-connection")]
    [InlineData("broker.limits.max-publish-bytes = 4294967296", "broker.limits.max-publish-bytes")]
    [InlineData("broker.limits.max-violations = 0", "broker.limits.max-violations")]
    [InlineData("broker.limits.max-connections = 99999999999", "broker.limits.max-connections")]
    [InlineData("broker.websocket.max-message-bytes = 2147483648", "broker.websocket.max-message-bytes")]
    [InlineData("broker.websocket.max-queued-messages = 0", "broker.websocket.max-queued-messages")]
    [InlineData("broker.websocket.permessage-deflate.compression-threshold = 2000000", "broker.websocket.permessage-deflate.compression-threshold")]
    [InlineData("broker.websocket.idle-timeout = 10s", "broker.websocket.idle-timeout")]
    [InlineData("broker.websocket.close-timeout = 0s", "broker.websocket.close-timeout")]
    [InlineData("broker.websocket.close-timeout = 9999d", "broker.websocket.close-timeout")]
    [InlineData("broker.http.port = abc", "broker.http.port")]
    [InlineData("broker.http.echo-endpoint = maybe", "broker.http.echo-endpoint")]
    [InlineData("broker.http.allowed-origins = \"*\"", "broker.http.allowed-origins")]
    [InlineData("broker.http.tls.certificate = \"/nonexistent/cert.pem\"", "broker.http.tls.key")]
    [InlineData("broker.http.tls { certificate = \"/nonexistent/c.pem\", key = \"/nonexistent/k.pem\" }", "broker.http.tls.certificate")]
    [InlineData("broker.pubsub.topic-idle-ttl = never", "broker.pubsub.topic-idle-ttl")]
    [InlineData("broker.namespaces.default.history.size = -1", "broker.namespaces.default.history.size")]
    [InlineData("broker.redis.endpoint = \"\"", "broker.redis.endpoint")]
    [InlineData("broker.redis.reconnect-max-backoff = 100ms", "broker.redis.reconnect-max-backoff")]
    [InlineData("broker.redis.operation-timeout = -2s", "broker.redis.operation-timeout")]
    [InlineData("broker.auth.anonymous = deny", "broker.auth.anonymous")]
    [InlineData("broker.auth.connect-timeout = 0s", "broker.auth.connect-timeout")]
    [InlineData("broker.auth.jwt.hmac-secret = short", "broker.auth.jwt.hmac-secret")]
    [InlineData("broker.auth.jwt.public-key-files = [\"/nonexistent/key.pem\"]", "broker.auth.jwt.public-key-files")]
    [InlineData("broker.auth.jwt.jwks-url = \"http://idp.example/keys\"", "broker.auth.jwt.jwks-url")]
    [InlineData("broker.auth.jwt.clock-skew-seconds = -1", "broker.auth.jwt.clock-skew-seconds")]
    public void ReadAll_InvalidValue_ErrorNamesTheKey(string hocon, string key)
    {
        var error = Assert.ThrowsAny<ConfigurationException>(() => ReadAll(With(hocon)));

        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void ReadAll_AnonymousDeniedWithSecret_Reads()
    {
        var settings = BrokerSettings.Create(With("""
            broker.auth { anonymous = deny, jwt.hmac-secret = "0123456789abcdef0123456789abcdef" }
            """));

        Assert.False(settings.Auth.AllowAnonymous);
        Assert.True(settings.Auth.Jwt.Enabled);
    }

    [Fact]
    public void Load_EnvironmentListWithSecondKey_IsRefusedNotInjected()
    {
        var environment = new Hashtable
        {
            ["BROKER__HTTP__ALLOWED_ORIGINS"] = "[\"https://a.example\"]\nbroker.http.admin-key = \"\"",
        };

        var error = Assert.ThrowsAny<ConfigurationException>(() => BrokerConfig.Load([], environment, BrokerConfig.DefaultsPath));
        Assert.Contains("broker.http.allowed-origins", error.Message);
    }

    [Theory]
    [InlineData("[${broker.http.api-key}]")]
    [InlineData("[{ a = 1 }]")]
    [InlineData("[[\"nested\"]]")]
    [InlineData("[\"a\"] x = 1")]
    public void Load_EnvironmentListNotPlain_IsRefused(string value)
    {
        var environment = new Hashtable { ["BROKER__HTTP__ALLOWED_ORIGINS"] = value };

        Assert.ThrowsAny<ConfigurationException>(() => BrokerConfig.Load([], environment, BrokerConfig.DefaultsPath));
    }

    [Fact]
    public void Load_EnvironmentStringWithNewlineAndQuote_StaysOneString()
    {
        const string value = "k\"\nbroker.http.port = 1";
        var config = BrokerConfig.Load([], new Hashtable { ["BROKER__HTTP__API_KEY"] = value }, BrokerConfig.DefaultsPath);

        var settings = BrokerSettings.Create(config);
        Assert.Equal(value, settings.Http.ApiKey);
        Assert.Equal(8080, settings.Http.Port);
    }

    [Fact]
    public void Load_EnvironmentNameWithOddCharacters_IsRefused() =>
        Assert.ThrowsAny<ConfigurationException>(() =>
            BrokerConfig.Load([], new Hashtable { ["BROKER__HTTP{a=1}__PORT"] = "1" }, BrokerConfig.DefaultsPath));
}
