namespace Broker.Testing;

/// <summary>Paths in the repository the tests run from (found by walking up to Broker.sln).</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>tests/X/bin/Release/net10.0/ gives ("Release", "net10.0"): built projects are found in the same build.</summary>
    public static (string Configuration, string Framework) Build
    {
        get
        {
            var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            return (testDir.Parent?.Name ?? "Release", testDir.Name);
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Broker.sln"))) return dir.FullName;
        }
        throw new DirectoryNotFoundException($"no Broker.sln above {AppContext.BaseDirectory}");
    }
}
