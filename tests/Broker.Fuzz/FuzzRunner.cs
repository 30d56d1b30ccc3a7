using System.Diagnostics;

namespace Broker.Fuzz;

/// <summary>Outcome of a run: how many inputs, how fast, and the first finding if there was one.</summary>
public sealed record FuzzReport(string Target, long Inputs, TimeSpan Elapsed, byte[]? FailingInput, Exception? Failure)
{
    public double InputsPerSecond => Inputs / Math.Max(Elapsed.TotalSeconds, 1e-9);

    public override string ToString() =>
        $"{Target}: {Inputs:N0} inputs in {Elapsed.TotalSeconds:F1} s ({InputsPerSecond:N0}/s), "
        + (Failure is null ? "0 failures" : $"FAILED: {Failure.GetType().Name}: {Failure.Message}");
}

/// <summary>
/// Runs a target over mutated inputs until a count or a time is reached, on the calling thread. Inputs the target
/// accepted without any rejection are not distinguishable here, so the pool grows with a sample of all mutants (capped),
/// which lets edits stack across generations. Deterministic for a seed and an input count.
/// </summary>
public static class FuzzRunner
{
    private const int PoolCap = 2048;

    /// <summary>
    /// The input being run right now, so a caller that times the run out (a hang) can report it.
    /// </summary>
    public static byte[]? Current { get; private set; }

    public static FuzzReport Run(IFuzzTarget target, int seed, long maxInputs, TimeSpan maxTime, int maxInputLength = 16 * 1024)
    {
        var mutator = new Mutator(seed, maxInputLength);
        var pool = new List<byte[]>(target.Seeds);
        var clock = Stopwatch.StartNew();
        long inputs = 0;
        foreach (var seedInput in target.Seeds)
        {
            if (Try(target, seedInput, ref inputs) is { } failure)
                return new FuzzReport(target.Name, inputs, clock.Elapsed, seedInput, failure);
        }
        while (inputs < maxInputs && ((inputs & 255) != 0 || clock.Elapsed < maxTime))
        {
            var parent = pool[mutator.Random.Next(pool.Count)];
            var input = mutator.Mutate(parent, pool);
            if (Try(target, input, ref inputs) is { } failure)
                return new FuzzReport(target.Name, inputs, clock.Elapsed, input, failure);
            if (mutator.Random.Next(64) == 0)
            {
                if (pool.Count < PoolCap)
                    pool.Add(input);
                else
                    pool[target.Seeds.Count + mutator.Random.Next(PoolCap - target.Seeds.Count)] = input;
            }
        }
        Current = null;
        return new FuzzReport(target.Name, inputs, clock.Elapsed, null, null);
    }

    private static Exception? Try(IFuzzTarget target, byte[] input, ref long inputs)
    {
        Current = input;
        inputs++;
        try
        {
            target.Run(input);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
