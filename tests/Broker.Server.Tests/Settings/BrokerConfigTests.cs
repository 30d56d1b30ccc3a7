using System.Collections;
using Broker.Core.Settings;

namespace Broker.Server.Tests.Settings;

public sealed class BrokerConfigTests
{
    private static BrokerSettings Load(string[] args, Hashtable? environment = null) =>
        BrokerSettings.Create(BrokerConfig.Load(args, environment ?? new Hashtable(), BrokerConfig.DefaultsPath));

    [Fact]
    public void Load_NoOverrides_UsesShippedDefaults() => Assert.Equal(8080, Load([]).Http.Port);

    [Fact]
    public void Load_EnvironmentVariables_MapDoubleUnderscoreToDotAndUnderscoreToHyphen()
    {
        var settings = Load([], new Hashtable
        {
            ["BROKER__HTTP__PORT"] = "9000",
            ["BROKER__WEBSOCKET__MAX_MESSAGE_BYTES"] = "2048",
            ["BROKER__WEBSOCKET__PERMESSAGE_DEFLATE__ENABLED"] = "off",
            ["BROKER__WEBSOCKET__PING_INTERVAL"] = "3s",
            ["BROKER__HTTP__ALLOWED_ORIGINS"] = "[\"https://a.example\", \"https://b.example\"]",
            ["UNRELATED__HTTP__PORT"] = "1",
        });

        Assert.Equal(9000, settings.Http.Port);
        Assert.Equal(2048, settings.WebSocket.MaxMessageBytes);
        Assert.False(settings.WebSocket.Deflate.Enabled);
        Assert.Equal(TimeSpan.FromSeconds(3), settings.WebSocket.PingInterval);
        Assert.Equal(["https://a.example", "https://b.example"], settings.Http.AllowedOrigins);
    }

    [Fact]
    public void Load_EveryLayer_FlagsBeatEnvironmentBeatFileBeatDefaults()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "broker.http { port = 7000, host = \"10.0.0.1\" }\nbroker.websocket.close-timeout = 2s");
            var environment = new Hashtable { ["BROKER__HTTP__PORT"] = "8000", ["BROKER__HTTP__HOST"] = "10.0.0.2" };

            var settings = Load(["--config", file, "--port", "9000"], environment);

            Assert.Equal(9000, settings.Http.Port); // flag
            Assert.Equal("10.0.0.2", settings.Http.Host); // environment over file
            Assert.Equal(TimeSpan.FromSeconds(2), settings.WebSocket.CloseTimeout); // file over defaults
            Assert.Equal(TimeSpan.FromSeconds(45), settings.WebSocket.IdleTimeout); // defaults
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Load_HostFlag_SetsHost() => Assert.Equal("127.0.0.1", Load(["--host", "127.0.0.1"]).Http.Host);

    [Fact]
    public void Load_ValueWithQuotes_IsEscaped() =>
        Assert.Equal("k\"e\\y", Load([], new Hashtable { ["BROKER__HTTP__API_KEY"] = "k\"e\\y" }).Http.ApiKey);

    [Theory]
    [InlineData("--nope", "1")]
    [InlineData("--port")]
    public void Load_BadFlags_Throws(params string[] args) =>
        Assert.Throws<ArgumentException>(() => Load(args));
}
