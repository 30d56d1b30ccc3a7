using Akka.Configuration;
using Broker.Core.Backplane;
using Broker.Core.Topics;
using Broker.Redis;

namespace Broker.Server.Cluster;

/// <summary>
/// Registers the node's one <see cref="IBackplane"/> (<c>broker.backplane.type</c>: memory or redis) and the
/// <see cref="TopicRouter"/> it delivers to. <see cref="BackplaneLifetime"/> starts it before the ActorSystem and
/// disposes it after: call this before AddAkka, because hosted services stop in reverse registration order.
/// </summary>
internal static class BackplaneSelection
{
    private const string TypePath = "broker.backplane.type";

    public static IServiceCollection AddBrokerBackplane(this IServiceCollection services, Config config)
    {
        var type = config.HasPath(TypePath)
            ? config.GetString(TypePath)
            : throw new ConfigurationException($"missing setting {TypePath}");
        switch (type)
        {
            case "memory":
                services.AddSingleton<IBackplane, InMemoryBackplane>();
                break;
            case "redis":
                var redis = RedisSettings.Create(config); // read now: a bad key stops the node at start
                services.AddSingleton<IBackplane>(provider =>
                    new RedisBackplane(redis, provider.GetRequiredService<ILogger<RedisBackplane>>()));
                break;
            default:
                throw new ConfigurationException($"{TypePath} must be memory or redis, not '{type}'");
        }
        services.AddSingleton<TopicRouter>();
        services.AddHostedService<BackplaneLifetime>();
        return services;
    }
}
