using Akka.Configuration;
using Broker.Core.Settings;
using Broker.Protocol.Compression;

namespace Broker.Server.Tests.Settings;

public sealed class BrokerSettingsTests
{
    private static Config Defaults() => ConfigurationFactory.ParseString(File.ReadAllText(BrokerConfig.DefaultsPath));

    [Fact]
    public void Create_ShippedDefaults_PinsEveryDefault()
    {
        var settings = BrokerSettings.Create(Defaults());

        Assert.Equal("0.0.0.0", settings.Http.Host);
        Assert.Equal(8080, settings.Http.Port);
        Assert.Empty(settings.Http.AllowedOrigins);
        Assert.True(settings.Http.EchoEndpoint);
        Assert.Equal("", settings.Http.ApiKey);
        Assert.Equal(1000, settings.Http.PublishRate);
        Assert.Equal(2000, settings.Http.PublishBurst);

        var ws = settings.WebSocket;
        Assert.Equal(1_048_576, ws.MaxMessageBytes);
        Assert.Equal(TimeSpan.FromSeconds(20), ws.PingInterval);
        Assert.Equal(TimeSpan.FromSeconds(45), ws.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), ws.CloseTimeout);
        Assert.Equal(4_194_304, ws.MaxQueuedBytes);
        Assert.Equal(10_000, ws.MaxQueuedMessages);
        Assert.Equal(["broker.v1"], ws.Subprotocols);
        Assert.Equal(new DeflateSettings(Enabled: true, ServerMaxWindowBits: 15, ServerNoContextTakeover: true, CompressionThresholdBytes: 64), ws.Deflate);
        Assert.Equal(TimeSpan.FromSeconds(60), ws.MaxMessageDuration);
        Assert.Equal(16, ws.MaxEmptyFragments);

        Assert.Equal(100_000, settings.Limits.MaxConnections);
        Assert.Null(settings.Limits.MaxConnectionsPerIp);
        Assert.Equal(1L << 30, settings.Limits.MaxOutboundBytes);
        Assert.Equal(TimeSpan.FromSeconds(10), settings.Shutdown.DrainTimeout);
    }

    [Fact]
    public void Defaults_DeadLetters_NotLogged()
    {
        // Ordinary disconnects leave dead letters (a publish racing the connection's stop); they are not news at info.
        Assert.Equal("off", Defaults().GetString("akka.log-dead-letters"));
        Assert.Equal("off", Defaults().GetString("akka.log-dead-letters-during-shutdown"));
    }

    [Fact]
    public void Create_PingIntervalOff_DisablesPings()
    {
        var config = ConfigurationFactory.ParseString("broker.websocket.ping-interval = off").WithFallback(Defaults());

        Assert.Null(BrokerSettings.Create(config).WebSocket.PingInterval);
    }

    [Theory]
    [InlineData("broker.websocket.idle-timeout = 10s")] // not above ping-interval (20s)
    [InlineData("broker.websocket.max-queued-bytes = 0")]
    [InlineData("broker.websocket.permessage-deflate.server-max-window-bits = 8")]
    [InlineData("broker.http.port = 70000")]
    [InlineData("broker.websocket.close-timeout = off")]
    public void Create_InvalidValue_Throws(string hocon)
    {
        var config = ConfigurationFactory.ParseString(hocon).WithFallback(Defaults());

        Assert.ThrowsAny<ConfigurationException>(() => BrokerSettings.Create(config));
    }

    [Fact]
    public void Create_MissingKey_ThrowsInsteadOfDefaulting()
    {
        var withoutShutdown = ConfigurationFactory.ParseString(File.ReadAllText(BrokerConfig.DefaultsPath)
            .Replace("drain-timeout = 10s", "", StringComparison.Ordinal));

        var error = Assert.ThrowsAny<ConfigurationException>(() => BrokerSettings.Create(withoutShutdown));
        Assert.Contains("drain-timeout", error.Message);
    }
}
