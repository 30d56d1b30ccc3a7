using Akka.Hosting;
using Broker.Core.Backplane;
using Broker.Core.Connections;
using Broker.Core.Connections.PubSub;
using Broker.Core.Topics;
using AkkaConfig = Akka.Configuration.Config;

namespace Broker.Server.PubSub;

/// <summary>
/// Wires pub/sub into the node: the backplane (<see cref="BackplaneSelection"/>), the <see cref="TopicRouter"/> it
/// delivers to, the topic registry actor, and the per-connection <see cref="PubSubHandler"/> factory for <c>/ws</c>.
/// </summary>
internal static class PubSubHosting
{
    public static IServiceCollection AddBrokerPubSub(this IServiceCollection services, AkkaConfig config)
    {
        services.AddSingleton(PubSubSettings.Create(config));
        services.AddSingleton<TopicRouter>();
        services.AddSingleton(provider => BackplaneSelection.Create(config, provider));
        return services;
    }

    /// <summary>Starts the backplane with the router as its sink, then the registry: no delivery can precede either.</summary>
    public static AkkaConfigurationBuilder WithBrokerPubSub(this AkkaConfigurationBuilder akka, IServiceProvider services) =>
        akka.WithActors(async (system, registry) =>
        {
            var backplane = services.GetRequiredService<IBackplane>();
            var router = services.GetRequiredService<TopicRouter>();
            await backplane.StartAsync(router, CancellationToken.None);
            var topics = system.ActorOf(
                TopicRegistry.Props(backplane, router, services.GetRequiredService<PubSubSettings>()), "topics");
            registry.Register<TopicRegistryKey>(topics);
        });

    /// <summary>One handler per connection; the shared services are resolved on the first connection (the ActorSystem starts after mapping).</summary>
    public static Func<IMessageHandler> HandlerFactory(IServiceProvider services)
    {
        var shared = new Lazy<PubSubServices>(() => Services(services));
        return () => new PubSubHandler(shared.Value);
    }

    public static PubSubServices Services(IServiceProvider services) => new(
        services.GetRequiredService<IRequiredActor<TopicRegistryKey>>().ActorRef,
        services.GetRequiredService<IBackplane>(),
        services.GetRequiredService<PubSubSettings>(),
        services.GetRequiredService<ConnectionCounters>().Traffic);
}
