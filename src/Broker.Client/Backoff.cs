namespace Broker.Client;

/// <summary>Full-jitter exponential back-off: clients dropped together by one node restart spread out instead of returning in lockstep.</summary>
internal static class Backoff
{
    /// <summary>A uniform random delay in [0, min(max, base · 2^attempt)).</summary>
    public static TimeSpan Delay(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, Random random)
    {
        var window = Math.Min(maxDelay.TotalMilliseconds, baseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 30)));
        return TimeSpan.FromMilliseconds(random.NextDouble() * window);
    }
}
