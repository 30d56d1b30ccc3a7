using StackExchange.Redis;

namespace Broker.Redis.Tests;

/// <summary>Redis' own count of calls per command (INFO commandstats), for tests that check how many round trips a burst cost.</summary>
public static class CommandStats
{
    /// <summary>Calls of <paramref name="commands"/> (lower case, e.g. "ping") since the server started, summed.</summary>
    public static async Task<long> CallsAsync(IServer server, params string[] commands)
    {
        var info = (string?)await server.ExecuteAsync("INFO", "commandstats") ?? "";
        var total = 0L;
        foreach (var line in info.Split('\n'))
        {
            if (!commands.Any(c => line.StartsWith($"cmdstat_{c}:", StringComparison.Ordinal)))
                continue;
            var calls = line.Split(':')[1].Split(',')[0]; // calls=N
            total += long.Parse(calls["calls=".Length..]);
        }
        return total;
    }
}
