using Broker.Testing;

namespace Broker.Server.Tests.Support;

/// <summary>One real redis-server for a test class (xUnit class fixture).</summary>
public sealed class RedisServerFixture : IDisposable
{
    public RedisServerProcess Server { get; } = RedisServerProcess.Start();

    /// <summary>
    /// HOCON for a node on this Redis under a fresh key prefix (so its topics' offsets start at 1 as on a fresh
    /// in-memory node), then <paramref name="overrides"/>.
    /// </summary>
    public string NodeHocon(string overrides = "") => $$"""
        broker.backplane.type = redis
        broker.redis { endpoint = "{{Server.Endpoint}}", key-prefix = "t{{Guid.NewGuid():N}}:" }
        {{overrides}}
        """;

    public void Dispose() => Server.Dispose();
}
