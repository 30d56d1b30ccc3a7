using Akka.Configuration;
using Broker.Core.Namespaces;
using Broker.Core.Settings;

namespace Broker.Server.Tests.Settings;

public sealed class NamespaceSettingsTests
{
    private static BrokerSettings Read(string hocon) => BrokerSettings.Create(
        ConfigurationFactory.ParseString(hocon)
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(BrokerConfig.DefaultsPath))));

    [Fact]
    public void Create_ShippedDefaults_PinsTheDefaultNamespace()
    {
        var settings = Read("");

        Assert.True(settings.Auth.AllowAnonymous);
        Assert.Empty(settings.Namespaces.Namespaces);
        Assert.Equal(
            new NamespaceOptions("default", ">", AccessRule.Anyone, AccessRule.Anyone,
                new HistoryOptions(100, TimeSpan.FromHours(1)), Presence: false, JoinLeave: false)
            {
                JoinLeaveMaxSubscribers = 1000,
            },
            settings.Namespaces.Default);
        Assert.Same(settings.Namespaces.Default, settings.Namespaces.Resolve("any.topic"));
    }

    [Fact]
    public void Create_JoinLeaveCap_OverridesPerNamespace()
    {
        var table = Read("""
            broker.namespaces.chat { topics = "chat.>", presence = on, join-leave = on, join-leave-max-subscribers = 50 }
            """).Namespaces;

        var chat = table.Resolve("chat.lobby");
        Assert.Equal((true, true, 50, 1000), (chat.Presence, chat.JoinLeave, chat.JoinLeaveMaxSubscribers,
            table.Default.JoinLeaveMaxSubscribers));
    }

    [Fact]
    public void Create_AnonymousDenied_AutoMeansAuthenticated()
    {
        var @default = Read("broker.auth { anonymous = deny, jwt.hmac-secret = \"0123456789abcdef0123456789abcdef\" }").Namespaces.Default;

        Assert.Equal(AccessRule.Authenticated, @default.Subscribe);
        Assert.Equal(AccessRule.Authenticated, @default.Publish);
    }

    [Fact]
    public void Create_Namespace_InheritsOmittedOptionsFromDefault()
    {
        var table = Read("""
            broker.namespaces.default.history.ttl = 5m
            broker.namespaces.chat { topics = "chat.>", presence = on, history { size = 500 } }
            """).Namespaces;

        var chat = table.Resolve("chat.room1");

        Assert.Equal("chat", chat.Name);
        Assert.True(chat.Presence);
        Assert.False(chat.JoinLeave);
        Assert.Equal(new HistoryOptions(500, TimeSpan.FromMinutes(5)), chat.History);
        Assert.Equal(AccessRule.Anyone, chat.Publish);
    }

    [Theory]
    [InlineData("chat.room1.inbox", "room")]
    [InlineData("chat.lobby", "lobby")]
    [InlineData("chat.other", "chat")]
    [InlineData("user.alice.inbox", "inbox")]
    [InlineData("user.alice.settings", "users")]
    [InlineData("news", "default")]
    public void Resolve_SeveralPatterns_MostSpecificWins(string topic, string expected)
    {
        var table = Read("""
            broker.namespaces {
              chat { topics = "chat.>" }
              room { topics = "chat.*.inbox" }
              lobby { topics = "chat.lobby" }
              users { topics = "user.>" }
              inbox { topics = "user.{user}.inbox" }
            }
            """).Namespaces;

        Assert.Equal(expected, table.Resolve(topic).Name);
    }

    [Theory]
    [InlineData("broker.namespaces.chat { presence = on }", "broker.namespaces.chat.topics")]
    [InlineData("broker.namespaces.chat { topics = \"chat..x\" }", "broker.namespaces.chat.topics")]
    [InlineData("broker.namespaces.chat { topics = \"chat.{user}x\" }", "broker.namespaces.chat.topics")]
    [InlineData("broker.namespaces.chat { topics = \"chat.>\", publish = everyone }", "broker.namespaces.chat.publish")]
    [InlineData("broker.namespaces.chat { topics = \"chat.>\", presence = maybe }", "broker.namespaces.chat.presence")]
    [InlineData("broker.namespaces.chat { topics = \"chat.>\", history.size = -1 }", "broker.namespaces.chat.history.size")]
    [InlineData("broker.namespaces.chat { topics = \"chat.>\", history.ttl = 0s }", "broker.namespaces.chat.history.ttl")]
    [InlineData("broker.namespaces.default.topics = \"x\"", "broker.namespaces.default.topics")]
    [InlineData("broker.namespaces { a { topics = \"a.*\" }\n b { topics = \"a.{user}\" } }", "broker.namespaces.a.topics")]
    [InlineData("broker.auth.anonymous = sometimes", "broker.auth.anonymous")]
    public void Create_InvalidNamespace_ErrorNamesTheKey(string hocon, string key)
    {
        var error = Assert.ThrowsAny<ConfigurationException>(() => Read(hocon));

        Assert.Contains(key, error.Message);
    }
}
