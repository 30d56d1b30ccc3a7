using System.Net;
using System.Net.Sockets;
using Broker.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;

namespace Broker.Server.WebSockets.Listener;

/// <summary>
/// Binds <see cref="TakeoverEndPoint"/>s for Kestrel (registered after the socket transport, so Kestrel asks it first;
/// every other endpoint stays with Kestrel's own transport).
/// </summary>
internal sealed class PlainListenerFactory(
    WebSocketTakeover takeover,
    SocketConnectionFactoryOptions httpOptions,
    EpollReadiness? epoll,
    TimeSpan drainTimeout,
    ILoggerFactory loggers) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    // Room for handshake bursts (thousands of clients reconnecting at once); the kernel caps it at somaxconn.
    private const int Backlog = 4096;

    public bool CanBind(EndPoint endpoint) => endpoint is TakeoverEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        var requested = (TakeoverEndPoint)endpoint;
        var socket = new Socket(requested.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (requested.Address.Equals(IPAddress.IPv6Any))
            socket.DualMode = true;
        try
        {
            socket.Bind(requested);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new AddressInUseException(e.Message, e);
        }
        socket.Listen(Backlog);
        var bound = (IPEndPoint)socket.LocalEndPoint!;
        var logger = loggers.CreateLogger("Broker.Server");
        var http = new SocketConnectionContextFactory(httpOptions, loggers.CreateLogger("Broker.Server.Http"));
        return ValueTask.FromResult<IConnectionListener>(new PlainListener(socket,
            new TakeoverEndPoint(bound.Address, bound.Port), takeover, http, epoll, drainTimeout, logger));
    }
}
