using Broker.Core.Backplane;
using AkkaConfig = Akka.Configuration.Config;

namespace Broker.Server.PubSub;

/// <summary>
/// The one place that decides which <see cref="IBackplane"/> the node runs (<c>broker.backplane.type</c>). The node
/// creates it once, as a DI singleton that the host disposes at shutdown.
/// </summary>
internal static class BackplaneSelection
{
    public static IBackplane Create(AkkaConfig config, IServiceProvider services) => new InMemoryBackplane();
}
