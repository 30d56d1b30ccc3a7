using System.Diagnostics;

namespace Broker.LoadTool.Tests;

public sealed class ArrivalClockTests
{
    [Fact]
    public void ToStopwatch_WallClockMoment_LandsBetweenTheStopwatchReadingsAroundIt()
    {
        var before = Stopwatch.GetTimestamp();
        var wallNs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        var converted = ArrivalClock.ToStopwatch(wallNs);
        var after = Stopwatch.GetTimestamp();

        // Pauses anywhere in between only widen the bracket; the slack covers DateTime's 100 ns ticks.
        var slack = Stopwatch.Frequency / 1_000_000;
        Assert.InRange(converted, before - slack, after + slack);
    }
}
