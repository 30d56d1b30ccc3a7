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

    /// <summary>
    /// The Stopwatch time of <paramref name="realtimeNs"/>, a recent moment. The wall clock is read first: a pause
    /// between the two readings makes the result later, so a latency ending there errs long, never short.
    /// </summary>
    public static long ToStopwatch(long realtimeNs)
    {
        var sinceNs = WallClockNs() - realtimeNs;
        return Stopwatch.GetTimestamp() - (long)(sinceNs * TicksPerNs);
    }

    private static long WallClockNs() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
}
