using System.Diagnostics;

namespace Broker.Core.Metrics;

/// <summary>
/// Where a backplane reports how long it takes: <see cref="Publish"/> from handing it a message to its ack (the offset),
/// <see cref="Lag"/> from the publishing node's clock stamped into the message to its arrival on this node. Both ignore
/// what they are given until the server sets them (<c>GET /metrics</c>).
/// </summary>
public sealed class BackplaneTimings
{
    /// <summary>Publish → backplane ack.</summary>
    public IDurationObserver Publish { get; init; } = Ignore.Instance;

    /// <summary>Backplane publish (sender's clock) → arrival on this node (this node's clock).</summary>
    public IDurationObserver Lag { get; init; } = Ignore.Instance;

    /// <summary>Timings nobody reads.</summary>
    public static BackplaneTimings None { get; } = new();

    /// <summary>Wall-clock microseconds since the Unix epoch: comparable across nodes whose clocks are synchronized.</summary>
    public static long NowMicroseconds() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    /// <summary>Seconds from <paramref name="stampMicroseconds"/> (another node's <see cref="NowMicroseconds"/>) to now; clock skew can make it negative, so it is floored at 0.</summary>
    public static double SecondsSince(long stampMicroseconds) => Math.Max(0, NowMicroseconds() - stampMicroseconds) / 1e6;

    /// <summary>Seconds since <paramref name="startTimestamp"/>, a <see cref="Stopwatch.GetTimestamp"/> value.</summary>
    public static double SecondsSinceTimestamp(long startTimestamp) => Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds;

    private sealed class Ignore : IDurationObserver
    {
        public static readonly Ignore Instance = new();

        public void Observe(double seconds) { }
    }
}
