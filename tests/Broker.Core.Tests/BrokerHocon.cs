using Akka.Configuration;

namespace Broker.Core.Tests;

/// <summary>
/// The product's hocon/broker.hocon, found from the test's output folder upwards: settings tests pin its defaults, and
/// actor tests run their ActorSystem on it (connection actors need its mailbox).
/// </summary>
internal static class BrokerHocon
{
    private static readonly Lazy<Config> Config = new(() =>
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "hocon", "broker.hocon")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        return ConfigurationFactory.ParseString(File.ReadAllText(Path.Combine(dir.FullName, "hocon", "broker.hocon")));
    });

    public static Config Load() => Config.Value;
}
