using System.Diagnostics;

namespace Broker.LoadTool.Tests;

public sealed class ArrivalClockTests
{
    [Fact]
    public void ToStopwatch_WallClockNow_LandsBetweenTheStopwatchReadingsAroundIt()
    {
        var before = Stopwatch.GetTimestamp();
        var wallNs = (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
        var after = Stopwatch.GetTimestamp();

        // The offset between the clocks is measured to within microseconds; a millisecond either side is generous.
        var slack = Stopwatch.Frequency / 1000;
        Assert.InRange(ArrivalClock.ToStopwatch(wallNs), before - slack, after + slack);
    }
}
