using System.Diagnostics;

namespace Broker.Testing;

/// <summary>Waits for a condition that has no event to await (e.g. a health flag), polling briefly, never unbounded.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout) throw new TimeoutException($"not {what} within {timeout}");
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The same for a condition that must ask another process (an HTTP endpoint, Redis); polled every 100 ms. An
    /// exception from the condition counts as "not yet" (the process may be starting or restarting); the last one is
    /// the timeout's inner exception.
    /// </summary>
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Exception? last = null;
            try
            {
                if (await condition().ConfigureAwait(false)) return;
            }
            catch (Exception e)
            {
                last = e;
            }
            if (clock.Elapsed > timeout) throw new TimeoutException($"not {what} within {timeout}", last);
            await Task.Delay(100).ConfigureAwait(false);
        }
    }
}
