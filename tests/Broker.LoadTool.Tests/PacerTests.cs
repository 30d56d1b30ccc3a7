using System.Diagnostics;

namespace Broker.LoadTool.Tests;

public sealed class PacerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task WaitUntilAsync_DeadlinesInARow_EachCompletesNoEarlierThanItsOwn()
    {
        using var pacer = new Pacer();
        var deadline = Stopwatch.GetTimestamp();
        for (var i = 0; i < 3; i++)
        {
            deadline += Stopwatch.Frequency / 100; // 10 ms apart

            await pacer.WaitUntilAsync(deadline).WaitAsync(Bound);

            Assert.True(Stopwatch.GetTimestamp() >= deadline, $"wait {i} completed before its deadline");
        }
    }

    [Fact]
    public async Task WaitUntilAsync_DeadlinePassed_Completes()
    {
        using var pacer = new Pacer();

        await pacer.WaitUntilAsync(Stopwatch.GetTimestamp() - Stopwatch.Frequency).WaitAsync(Bound);
    }

    [Fact]
    public async Task Dispose_WhileWaiting_CancelsTheWait()
    {
        var pacer = new Pacer();
        var waiting = pacer.WaitUntilAsync(Stopwatch.GetTimestamp() + 60 * Stopwatch.Frequency);

        pacer.Dispose();

        await Assert.ThrowsAsync<TaskCanceledException>(() => waiting.WaitAsync(Bound));
    }
}
