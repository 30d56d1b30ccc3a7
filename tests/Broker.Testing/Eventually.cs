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
}
