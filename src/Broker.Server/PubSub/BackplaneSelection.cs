using Broker.Core.Backplane;
using Broker.Core.Metrics;
using Broker.Core.Settings;
using Broker.Core.Topics;
using Broker.Redis;
using AkkaConfig = Akka.Configuration.Config;

namespace Broker.Server.PubSub;

/// <summary>
/// The one place that registers the node's <see cref="IBackplane"/> (<c>broker.backplane.type</c>: memory for one node,
/// redis for a cluster; <c>--redis host:port</c> selects redis) and the <see cref="TopicRouter"/> it delivers to.
/// <see cref="BackplaneLifetime"/> starts it before the ActorSystem and disposes it after: call this before AddAkka,
/// because hosted services stop in reverse registration order.
/// </summary>
internal static class BackplaneSelection
{
    public static IServiceCollection AddBrokerBackplane(this IServiceCollection services, AkkaConfig config)
    {
        if (SettingsSection.Of(config, "broker.backplane").Choice("type", "memory", "redis") == "redis")
        {
            var redis = RedisSettings.Create(config); // read now: a bad key stops the node at start (exit 2)
            services.AddSingleton<IBackplane>(provider =>
                new RedisBackplane(redis, provider.GetRequiredService<BrokerSettings>().Namespaces,
                    provider.GetRequiredService<ILogger<RedisBackplane>>(), provider.GetService<BackplaneTimings>()));
        }
        else
        {
            services.AddSingleton<IBackplane>(provider =>
                new InMemoryBackplane(provider.GetRequiredService<BrokerSettings>().Namespaces));
        }
        services.AddSingleton<TopicRouter>();
        services.AddSingleton(provider => new TopicActivity(provider.GetRequiredService<TopicRouter>()));
        services.AddHostedService<BackplaneLifetime>();
        return services;
    }
}
