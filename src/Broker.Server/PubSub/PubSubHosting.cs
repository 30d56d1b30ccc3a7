using Akka.Hosting;
using Broker.Core.Backplane;
using Broker.Core.Connections;
using Broker.Core.PubSub;
using Broker.Core.Topics;
using AkkaConfig = Akka.Configuration.Config;

namespace Broker.Server.PubSub;

/// <summary>
/// Wires pub/sub into the node: the pub/sub settings, the topic registry actor over the backplane and router that
/// <see cref="BackplaneSelection"/> registers, (the per-connection handler factory for <c>/ws</c> is AuthHosting's).
/// </summary>
internal static class PubSubHosting
{
    public static IServiceCollection AddBrokerPubSub(this IServiceCollection services, AkkaConfig config) =>
        services.AddSingleton(PubSubSettings.Create(config));

    /// <summary>The topic registry over the backplane and router that the backplane's hosted service already started.</summary>
    public static AkkaConfigurationBuilder WithBrokerPubSub(this AkkaConfigurationBuilder akka, IServiceProvider services) =>
        akka.WithActors((system, registry) =>
        {
            var topics = system.ActorOf(TopicRegistry.Props(services.GetRequiredService<IBackplane>(),
                services.GetRequiredService<TopicRouter>(), services.GetRequiredService<PubSubSettings>()), "topics");
            registry.Register<TopicRegistryKey>(topics);
        });

    public static PubSubServices Services(IServiceProvider services) => new(
        services.GetRequiredService<IRequiredActor<TopicRegistryKey>>().ActorRef,
        services.GetRequiredService<IBackplane>(),
        services.GetRequiredService<PubSubSettings>(),
        services.GetRequiredService<ConnectionCounters>().Traffic,
        services.GetRequiredService<Broker.Core.Settings.BrokerSettings>().Namespaces,
        services.GetRequiredService<ConnectionCounters>().Outbound);
}
