using Broker.Core.Backplane;
using Broker.Core.Topics;
using AkkaConfig = Akka.Configuration.Config;

namespace Broker.Server.PubSub;

/// <summary>
/// The one place that registers the node's <see cref="IBackplane"/> (<c>broker.backplane.type</c>; this branch knows
/// only the in-memory one, the cluster wiring adds redis) and the <see cref="TopicRouter"/> it delivers to.
/// <see cref="BackplaneLifetime"/> starts it before the ActorSystem and disposes it after: call this before AddAkka,
/// because hosted services stop in reverse registration order.
/// </summary>
internal static class BackplaneSelection
{
    public static IServiceCollection AddBrokerBackplane(this IServiceCollection services, AkkaConfig config)
    {
        services.AddSingleton<IBackplane, InMemoryBackplane>();
        services.AddSingleton<TopicRouter>();
        services.AddHostedService<BackplaneLifetime>();
        return services;
    }
}
