using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.PubSub;

/// <summary>
/// The pub/sub contract on the Redis backplane, against a real redis-server shared by the class. Each node gets its own
/// key prefix, so its topics' offsets start at 1 as on a fresh in-memory node.
/// </summary>
public sealed class RedisPubSubProtocolTests(RedisServerFixture redis) : PubSubProtocolContract, IClassFixture<RedisServerFixture>
{
    protected override Task<TestBroker> StartBrokerAsync(string overrides = "") => TestBroker.StartAsync(redis.NodeHocon(overrides));
}
