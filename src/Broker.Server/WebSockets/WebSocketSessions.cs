using System.IO.Pipelines;
using System.Net;
using Akka.Actor;
using Akka.Hosting;
using Broker.Core.Connections;
using Broker.Core.Settings;
using Broker.Protocol.Handshake;

namespace Broker.Server.WebSockets;

/// <summary>
/// Admission and start of a WebSocket connection after an accepted handshake, the same for the connection middleware
/// and the HTTP endpoint: refuse during shutdown and beyond max-connections (and max-connections-per-ip), then hand the transport to a connection
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

    private readonly AddressConnections _addresses = new();

    /// <summary>
    /// Counts one more connection unless max-connections are open on the node or max-connections-per-ip from
    /// <paramref name="address"/> (the TCP peer; null when unknown, which only the node limit applies to); pair with
    /// <see cref="RunAsync"/>, <see cref="Start"/> or <see cref="Release"/>.
    /// </summary>
    public Admission TryAdmit(IPAddress? address)
    {
        if (!counters.TryAdmit(settings.Limits.MaxConnections))
            return Admission.NodeFull;
        if (PerAddress(address) is { } peer && !_addresses.TryAdmit(peer, settings.Limits.MaxConnectionsPerIp!.Value))
        {
            counters.Release();
            return Admission.AddressFull;
        }
        return Admission.Admitted;
    }

    /// <summary>Gives back an admission that will not reach <see cref="RunAsync"/> (the upgrade failed).</summary>
    public void Release(IPAddress? address)
    {
        if (PerAddress(address) is { } peer)
            _addresses.Release(peer);
        counters.Release();
    }

    // The address the per-IP limit counts (IPv4 clients of a dual-stack socket as IPv4), or null when it is off.
    private IPAddress? PerAddress(IPAddress? address) =>
        settings.Limits.MaxConnectionsPerIp is null || address is null ? null
        : address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>Runs an admitted connection: completes when its actor stopped and no longer touches the transport.</summary>
    public async Task RunAsync(IDuplexPipe transport, Action abort, IMessageHandler handler, HandshakeResult accepted,
        IPAddress? address)
    {
        try
        {
            await Open(transport, abort, handler, accepted).Completion;
        }
        finally
        {
            Release(address);
        }
    }

    /// <summary>
    /// Starts an admitted connection and returns at once, so no task waits for it (memory per idle connection): once
    /// its actor stopped and no longer touches the transport, <paramref name="released"/> runs, which must
    /// <see cref="Release"/> the admission. When this throws, the caller releases it.
    /// </summary>
    public void Start(IDuplexPipe transport, Action abort, IMessageHandler handler, HandshakeResult accepted,
        Action released) => Open(transport, abort, handler, accepted, released);

    private ConnectionSetup Open(IDuplexPipe transport, Action abort, IMessageHandler handler, HandshakeResult accepted,
        Action? released = null)
    {
        var setup = new ConnectionSetup(transport, abort, handler, accepted.Deflate, accepted.Subprotocol,
            settings.WebSocket, counters) { Released = released };
        supervisor.ActorRef.Tell(new ConnectionSupervisor.Open(setup));
        return setup;
    }
}
