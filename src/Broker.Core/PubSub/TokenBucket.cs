using System.Diagnostics;

namespace Broker.Core.PubSub;

// A connection's publish allowance (broker.limits.publish-rate / publish-burst): starts full, refills continuously.
// Touched only on the connection actor's thread.
internal struct TokenBucket(double ratePerSecond, int burst)
{
    private double _tokens = burst;
    private long _refilled = Stopwatch.GetTimestamp();

    public bool TryTake()
    {
        var now = Stopwatch.GetTimestamp();
        var elapsed = (double)(now - _refilled) / Stopwatch.Frequency;
        _refilled = now;
        _tokens = Math.Min(burst, _tokens + elapsed * ratePerSecond);
        if (_tokens < 1)
            return false;
        _tokens--;
        return true;
    }
}
