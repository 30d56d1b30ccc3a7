using System.Diagnostics;

namespace Broker.LoadTool;

/// <summary>
/// Converts the kernel's arrival stamps (CLOCK_REALTIME, ns since the Unix epoch) to <see cref="Stopwatch"/> time
/// (CLOCK_MONOTONIC on Linux), the clock publishers stamp messages with. The offset between the two clocks is taken once;
/// a run is too short for them to drift apart by more than microseconds.
/// </summary>
internal static class ArrivalClock
{
    private static readonly long RealtimeMinusMonotonicNs = MeasureOffset();

    public static long ToStopwatch(long realtimeNs) =>
        (long)((realtimeNs - RealtimeMinusMonotonicNs) * (Stopwatch.Frequency / 1e9));

    // The reading whose two Stopwatch samples lie closest together brackets the wall-clock sample best.
    private static long MeasureOffset()
    {
        var (best, spread) = (0L, long.MaxValue);
        for (var i = 0; i < 16; i++)
        {
            var before = Stopwatch.GetTimestamp();
            var wall = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
            var after = Stopwatch.GetTimestamp();
            if (after - before < spread)
                (best, spread) = (wall - (long)((before + after) / 2 * (1e9 / Stopwatch.Frequency)), after - before);
        }
        return best;
    }
}
