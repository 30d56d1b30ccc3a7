using Akka.Configuration;
using Broker.Testing;

namespace Broker.Redis.Tests;

public sealed class RedisSettingsTests
{
    [Fact]
    public void Create_ShippedDefaults_PinsEveryBrokerRedisKey() =>
        Assert.Equal(
            new RedisSettings("127.0.0.1:6379", "", false, "broker:", TimeSpan.FromSeconds(5),
                TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(5),
                TlsCa: "", TlsCertificate: "", TlsKey: "")
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

    [Theory]
    [InlineData("tls = on, tls-ca = \"/nonexistent/ca.pem\"", "broker.redis.tls-ca")]
    [InlineData("tls = off, tls-ca = \"CA\"", "broker.redis.tls-ca")]
    [InlineData("tls = on, tls-ca = \"KEY\"", "broker.redis.tls-ca")]
    [InlineData("tls = on, tls-certificate = \"CERT\"", "broker.redis.tls-key")]
    [InlineData("tls = on, tls-key = \"KEY\"", "broker.redis.tls-certificate")]
    [InlineData("tls = on, tls-certificate = \"CA\", tls-key = \"KEY\"", "broker.redis.tls-certificate")]
    public void Create_InvalidTlsFiles_ErrorNamesTheKey(string hocon, string key)
    {
        using var ca = new TestCertificateAuthority("settings-ca");
        var issued = ca.Issue("client");
        var files = hocon.Replace("CERT", issued.CertificatePath).Replace("KEY", issued.KeyPath).Replace("CA", ca.CertificatePath);

        var error = Assert.ThrowsAny<ConfigurationException>(() =>
            RedisSettings.Create(ConfigurationFactory.ParseString($"broker.redis {{ {files} }}").WithFallback(Defaults.Config)));

        Assert.Contains(key, error.Message);
    }

    [Fact]
    public void Create_TlsFilesFromOneCa_Reads()
    {
        using var ca = new TestCertificateAuthority("settings-ca");
        var issued = ca.Issue("client");

        var settings = RedisSettings.Create(ConfigurationFactory.ParseString($$"""
            broker.redis { tls = on, tls-ca = "{{ca.CertificatePath}}", tls-certificate = "{{issued.CertificatePath}}", tls-key = "{{issued.KeyPath}}" }
            """).WithFallback(Defaults.Config));

        Assert.Equal((ca.CertificatePath, issued.CertificatePath, issued.KeyPath), (settings.TlsCa, settings.TlsCertificate, settings.TlsKey));
    }

    [Fact]
    public void Create_MissingKey_Throws() =>
        Assert.Throws<ConfigurationException>(() =>
            RedisSettings.Create(ConfigurationFactory.ParseString("broker.redis { endpoint = \"x:1\" }")));

    [Fact]
    public void Create_BackplaneTypeDefault_IsMemory() =>
        Assert.Equal("memory", Defaults.Config.GetString("broker.backplane.type"));
}
