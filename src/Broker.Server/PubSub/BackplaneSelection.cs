using Broker.Core.Backplane;
using Broker.Core.Metrics;
using Broker.Core.Settings;
using Broker.Core.Topics;
using Broker.Redis;
using AkkaConfig = Akka.Configuration.Config;
using ConfigurationException = Akka.Configuration.ConfigurationException;

namespace Broker.Server.PubSub;

/// <summary>
/// The one place that registers the node's <see cref="IBackplane"/> (<c>broker.backplane.type</c>: memory for one node,
/// redis for a cluster; <c>--redis host:port</c> selects redis) and the <see cref="TopicRouter"/> it delivers to.
/// <see cref="BackplaneLifetime"/> starts it before the ActorSystem and disposes it after: call this before AddAkka,
/// because hosted services stop in reverse registration order.
/// </summary>
internal static class BackplaneSelection
{
    private const string TypePath = "broker.backplane.type";

    public static IServiceCollection AddBrokerBackplane(this IServiceCollection services, AkkaConfig config)
    {
        var type = config.HasPath(TypePath)
            ? config.GetString(TypePath)
            : throw new ConfigurationException($"missing setting {TypePath}");
        switch (type)
        {
            case "memory":
                services.AddSingleton<IBackplane>(provider =>
                    new InMemoryBackplane(provider.GetRequiredService<BrokerSettings>().Namespaces));
                break;
            case "redis":
                var redis = RedisSettings.Create(config); // read now: a bad key stops the node at start (exit 2)
                services.AddSingleton<IBackplane>(provider =>
                    new RedisBackplane(redis, provider.GetRequiredService<BrokerSettings>().Namespaces,
                        provider.GetRequiredService<ILogger<RedisBackplane>>(), provider.GetService<BackplaneTimings>()));
                break;
            default:
                throw new ConfigurationException($"{TypePath} must be memory or redis, not '{type}'");
        }
        services.AddSingleton<TopicRouter>();
        services.AddHostedService<BackplaneLifetime>();
        return services;
    }
}
