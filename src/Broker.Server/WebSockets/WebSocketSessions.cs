using System.IO.Pipelines;
using Akka.Actor;
using Akka.Hosting;
using Broker.Core.Connections;
using Broker.Core.Settings;
using Broker.Protocol.Handshake;

namespace Broker.Server.WebSockets;

/// <summary>
/// Admission and start of a WebSocket connection after an accepted handshake, the same for the connection middleware
/// and the HTTP endpoint: refuse during shutdown and beyond max-connections, then hand the transport to a connection
/// actor and hold the admission until the actor let go of the transport.
/// </summary>
internal sealed class WebSocketSessions(
    BrokerSettings settings,
    IRequiredActor<ConnectionSupervisorActor> supervisor,
    ConnectionCounters counters,
    IHostApplicationLifetime lifetime)
{
    public HandshakeOptions Handshake { get; } =
        new(settings.Http.AllowedOrigins, settings.WebSocket.Subprotocols, settings.WebSocket.Deflate);

    public BrokerSettings Settings => settings;

    public ConnectionCounters Counters => counters;

    // Graceful shutdown: clients being closed with 1001 must not be replaced by new ones on this node.
    public bool IsStopping => lifetime.ApplicationStopping.IsCancellationRequested;

    /// <summary>Counts one more connection unless max-connections are open; pair with <see cref="RunAsync"/>.</summary>
    public bool TryAdmit() => counters.TryAdmit(settings.Limits.MaxConnections);

    /// <summary>Gives back an admission that will not reach <see cref="RunAsync"/> (the upgrade failed).</summary>
    public void Release() => counters.Release();

    /// <summary>Runs an admitted connection: completes when its actor stopped and no longer touches the transport.</summary>
    public async Task RunAsync(IDuplexPipe transport, Action abort, IMessageHandler handler, HandshakeResult accepted)
    {
        try
        {
            var setup = new ConnectionSetup(transport, abort, handler, accepted.Deflate, accepted.Subprotocol,
                settings.WebSocket, counters);
            supervisor.ActorRef.Tell(new ConnectionSupervisor.Open(setup));
            await setup.Completion;
        }
        finally
        {
            counters.Release();
        }
    }
}
