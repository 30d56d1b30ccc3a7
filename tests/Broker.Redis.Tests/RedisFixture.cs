using Akka.Configuration;
using Broker.Core.Namespaces;
using Broker.Core.Settings;
using Broker.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Broker.Redis.Tests;

/// <summary>One real redis-server per test class; each test isolates itself with its own key prefix.</summary>
public sealed class RedisFixture : IDisposable
{
    public RedisServerProcess Server { get; } = RedisServerProcess.Start();

    public void Dispose() => Server.Dispose();

    /// <summary>The shipped defaults (hocon/broker.hocon) with this server's endpoint and a fresh key prefix.</summary>
    public static RedisSettings Settings(RedisServerProcess server, string prefix) =>
        RedisSettings.Create(ConfigurationFactory
            .ParseString($"broker.redis {{ endpoint = \"{server.Endpoint}\", key-prefix = \"{prefix}\" }}")
            .WithFallback(Defaults.Config));

    /// <summary>
    /// The shipped namespaces (default history: 100 messages, 1h), or those of <paramref name="hocon"/> (e.g.
    /// <c>broker.namespaces.default.history.size = 5</c>) on top of them.
    /// </summary>
    public static NamespaceTable Namespaces(string hocon = "") =>
        BrokerSettings.Create(ConfigurationFactory.ParseString(hocon).WithFallback(Defaults.Config)).Namespaces;

    public static async Task<RedisBackplane> StartNodeAsync(RedisSettings settings, RecordingSink sink,
        ILogger<RedisBackplane>? logger = null, NamespaceTable? namespaces = null)
    {
        var node = new RedisBackplane(settings, namespaces ?? Namespaces(), logger ?? NullLogger<RedisBackplane>.Instance);
        await node.StartAsync(sink, CancellationToken.None);
        return node;
    }

    public static string NewPrefix() => $"t{Guid.NewGuid():N}:";
}
