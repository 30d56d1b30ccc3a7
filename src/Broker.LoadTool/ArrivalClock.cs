using System.Diagnostics;

namespace Broker.LoadTool;

/// <summary>
/// Converts the kernel's arrival stamps (CLOCK_REALTIME, ns since the Unix epoch) to <see cref="Stopwatch"/> time
/// (CLOCK_MONOTONIC on Linux), the clock publishers stamp messages with. The two clocks are read together at each
/// conversion and only the short interval since the arrival is carried over: their offset is not stable on this VM
/// (it moved by 89 ms within a test run once), so an offset taken at start could be off by that much later.
/// </summary>
internal static class ArrivalClock
{
    private static readonly double TicksPerNs = Stopwatch.Frequency / 1e9;

    // A stamp further back than this is not a wall-clock time of a recent arrival.
    private const long PlausibleNs = 60_000_000_000;

    /// <summary>
    /// The Stopwatch time of <paramref name="realtimeNs"/>, a recent moment; false for no stamp (0: the kernel turns
    /// stamping on asynchronously, so the first segments may have none) or one that is not a wall-clock time of the last
    /// minute, which would otherwise count as a latency of minutes. The wall clock is read first: a pause between the
    /// two readings makes the result later, so a latency ending there errs long, never short.
    /// </summary>
    public static bool TryToStopwatch(long realtimeNs, out long stopwatchTime)
    {
        var sinceNs = WallClockNs() - realtimeNs;
        stopwatchTime = Stopwatch.GetTimestamp() - (long)(sinceNs * TicksPerNs);
        return realtimeNs != 0 && sinceNs is >= 0 and < PlausibleNs;
    }

    private static long WallClockNs() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
}
