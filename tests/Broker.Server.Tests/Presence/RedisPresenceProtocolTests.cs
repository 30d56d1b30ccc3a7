using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Presence;

/// <summary>The presence contract on Redis (one node; the cluster tests cover several), each test under its own key prefix.</summary>
public sealed class RedisPresenceProtocolTests(RedisServerFixture redis) : PresenceProtocolContract, IClassFixture<RedisServerFixture>
{
    protected override Task<TestBroker> StartBrokerAsync(string overrides = "") => TestBroker.StartAsync(redis.NodeHocon(overrides));
}
