using Broker.Testing;

namespace Broker.Server.Tests.Support;

/// <summary>One real redis-server for a test class (xUnit class fixture).</summary>
public sealed class RedisServerFixture : IDisposable
{
    public RedisServerProcess Server { get; } = RedisServerProcess.Start();

    public void Dispose() => Server.Dispose();
}
