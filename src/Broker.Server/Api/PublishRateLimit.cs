using System.Threading.RateLimiting;

namespace Broker.Server.Api;

/// <summary>
/// The node-wide token bucket of <c>POST /api/publish</c> (broker.http.publish-rate / publish-burst): HTTP publishers
/// get their own allowance, so a runaway server-side publisher is answered 429 instead of taking the backplane from
/// WebSocket clients. Null rate: unlimited.
/// </summary>
internal sealed class PublishRateLimit(double? ratePerSecond, int burst) : IDisposable
{
    private readonly TokenBucketRateLimiter? _limiter = ratePerSecond is { } rate ? Create(rate, burst) : null;

    public bool TryTake()
    {
        if (_limiter is null)
            return true;
        using var lease = _limiter.AttemptAcquire();
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter?.Dispose();

    // The limiter refills in whole tokens per period: at 10/s and above every 100 ms, below that one token per 1/rate.
    private static TokenBucketRateLimiter Create(double rate, int burst)
    {
        var (period, tokens) = rate >= 10
            ? (TimeSpan.FromMilliseconds(100), (int)Math.Round(rate / 10))
            : (TimeSpan.FromSeconds(1 / rate), 1);
        return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = tokens,
            ReplenishmentPeriod = period,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
