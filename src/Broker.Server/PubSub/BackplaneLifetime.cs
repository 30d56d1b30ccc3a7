using Broker.Core.Backplane;
using Broker.Core.Topics;

namespace Broker.Server.PubSub;

/// <summary>
/// Starts the backplane with the node's <see cref="TopicRouter"/> as its sink, and disposes it at shutdown, after the
/// web server and the ActorSystem have stopped (hosted services stop in reverse order), so no publish or subscription
/// change reaches a disposed backplane.
/// </summary>
internal sealed class BackplaneLifetime(IBackplane backplane, TopicRouter router) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => backplane.StartAsync(router, cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken) => await backplane.DisposeAsync();
}
