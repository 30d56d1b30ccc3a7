using System.Diagnostics;

namespace Broker.LoadTool.Tests;

public sealed class ArrivalClockTests
{
    [Fact]
    public void ToStopwatch_WallClockMoment_LandsBetweenTheStopwatchReadingsAroundIt()
    {
        var before = Stopwatch.GetTimestamp();
        var wallNs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        Assert.True(ArrivalClock.TryToStopwatch(wallNs, out var converted));
        var after = Stopwatch.GetTimestamp();

        // Pauses anywhere in between only widen the bracket; the slack covers DateTime's 100 ns ticks.
        var slack = Stopwatch.Frequency / 1_000_000;
        Assert.InRange(converted, before - slack, after + slack);
    }

    [Theory]
    [InlineData(0L)]                       // no stamp
    [InlineData(14_000_000_000_000L)]      // a monotonic-clock value (hours since boot), not a wall-clock time
    public void TryToStopwatch_NotARecentWallClockTime_False(long stampNs) =>
        Assert.False(ArrivalClock.TryToStopwatch(stampNs, out _));
}
