using Akka.Configuration;

namespace Broker.Redis.Tests;

/// <summary>The repository's hocon/broker.hocon, found by walking up from the test binaries.</summary>
public static class Defaults
{
    public static Config Config { get; } = Load();

    private static Config Load()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var file = Path.Combine(dir.FullName, "hocon", "broker.hocon");
            if (File.Exists(file)) return ConfigurationFactory.ParseString(File.ReadAllText(file));
        }
        throw new FileNotFoundException("hocon/broker.hocon not found above " + AppContext.BaseDirectory);
    }
}
