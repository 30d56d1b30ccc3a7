using System.Globalization;

namespace Broker.Cluster.Tests.Chaos;

/// <summary>
/// How big a chaos run is. The short run (the default, in <c>./build.sh test</c>) does each fault once under light load;
/// the long run is <c>BROKER_CHAOS=long</c> (docs/architecture.md, "Failure behaviour, measured"). Each value can be
/// overridden: BROKER_CHAOS_ROUNDS, BROKER_CHAOS_RATE (publishes per second), BROKER_CHAOS_SUBSCRIBERS (per node).
/// </summary>
public sealed record ChaosRun(int Rounds, int RatePerSecond, int SubscribersPerNode, TimeSpan Pause)
{
    public static ChaosRun FromEnvironment()
    {
        var run = Environment.GetEnvironmentVariable("BROKER_CHAOS") == "long"
            ? new ChaosRun(Rounds: 3, RatePerSecond: 200, SubscribersPerNode: 10, Pause: TimeSpan.FromSeconds(9))
            : new ChaosRun(Rounds: 1, RatePerSecond: 50, SubscribersPerNode: 3, Pause: TimeSpan.FromSeconds(9));
        return run with
        {
            Rounds = Int("BROKER_CHAOS_ROUNDS") ?? run.Rounds,
            RatePerSecond = Int("BROKER_CHAOS_RATE") ?? run.RatePerSecond,
            SubscribersPerNode = Int("BROKER_CHAOS_SUBSCRIBERS") ?? run.SubscribersPerNode,
        };
    }

    private static int? Int(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}
