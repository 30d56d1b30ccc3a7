using Broker.Core.PubSub;

namespace Broker.Core.Tests.PubSub;

public sealed class TokenBucketTests
{
    [Fact]
    public void TryTake_FullBucketNoRefill_ExactlyBurstThenRefused()
    {
        var bucket = new TokenBucket(ratePerSecond: 1e-9, burst: 3);

        Assert.Equal([true, true, true, false, false], Enumerable.Range(0, 5).Select(_ => bucket.TryTake()).ToArray());
    }

    [Fact]
    public async Task TryTake_EmptyBucketFastRate_RefillsOverTime()
    {
        var bucket = new TokenBucket(ratePerSecond: 1000, burst: 1);
        Assert.True(bucket.TryTake());

        // 1000 per second: a token is back within milliseconds; bounded so a broken refill fails the test.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!bucket.TryTake())
        {
            Assert.True(DateTime.UtcNow < deadline, "no token refilled within 10 s");
            await Task.Yield();
        }
    }
}
