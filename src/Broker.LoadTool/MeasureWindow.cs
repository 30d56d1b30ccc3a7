using System.Diagnostics;

namespace Broker.LoadTool;

/// <summary>
/// The measured part of a run in Stopwatch ticks: latency counts for messages whose publisher stamped them inside it,
/// so warm-up traffic is left out however late it is delivered. Publisher and subscribers share the machine's clock.
/// </summary>
internal sealed class MeasureWindow
{
    private long _start = long.MaxValue;
    private long _end = long.MaxValue;

    public long Start => Volatile.Read(ref _start);

    public long End => Volatile.Read(ref _end);

    /// <summary>Starts the window <paramref name="warmup"/> from now; nothing is inside it before this call.</summary>
    public void Open(TimeSpan warmup, TimeSpan duration)
    {
        var start = Stopwatch.GetTimestamp() + (long)(warmup.TotalSeconds * Stopwatch.Frequency);
        Volatile.Write(ref _end, start + (long)(duration.TotalSeconds * Stopwatch.Frequency));
        Volatile.Write(ref _start, start);
    }

    public bool Contains(long stamp) => stamp >= Start && stamp < End;

    public static long ToMicros(long ticks) => ticks * 1_000_000 / Stopwatch.Frequency;
}
