using Broker.Core.Backplane;
using Broker.Core.Metrics;
using Broker.Core.Topics;

namespace Broker.Server.PubSub;

/// <summary>
/// Starts the backplane with the node's <see cref="TopicRouter"/> as its sink (through <see cref="TopicActivity"/>, which
/// notes each topic's last offset for the admin page), and disposes it at shutdown, after the
/// web server and the ActorSystem have stopped (hosted services stop in reverse order), so no publish or subscription
/// change reaches a disposed backplane.
/// </summary>
internal sealed class BackplaneLifetime(IBackplane backplane, TopicActivity sink) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => backplane.StartAsync(sink, cancellationToken);

    public async Task StopAsync(CancellationToken cancellationToken) => await backplane.DisposeAsync();
}
