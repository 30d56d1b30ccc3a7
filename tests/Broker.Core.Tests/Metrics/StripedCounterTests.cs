using Broker.Core.Metrics;

namespace Broker.Core.Tests.Metrics;

public sealed class StripedCounterTests
{
    [Fact]
    public void Increment_ConcurrentThreads_NoIncrementLost()
    {
        var counter = new StripedCounter();

        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 100_000; i++)
                counter.Increment();
        });
        counter.Add(5);

        Assert.Equal(800_005, counter.Value);
    }
}
