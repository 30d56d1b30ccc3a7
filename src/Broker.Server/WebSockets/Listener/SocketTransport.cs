using System.IO.Pipelines;
using System.Net.Sockets;
using Broker.Sockets;

namespace Broker.Server.WebSockets.Listener;

/// <summary>
/// An upgraded connection's socket as the pipes a connection actor reads and writes, with nothing of Kestrel's
/// connection in between: an idle connection holds the socket, two small objects and no buffer.
/// </summary>
internal sealed class SocketTransport : IDuplexPipe, IDisposable
{
    private readonly Socket _socket;
    private readonly SocketReader _input;
    private readonly SocketWriter _output;

    /// <summary>The transport of <paramref name="socket"/>, waiting through <paramref name="epoll"/>'s <paramref name="slot"/> when given.</summary>
    public SocketTransport(Socket socket, EpollReadiness? epoll = null, int slot = -1)
    {
        // Receives and sends must return at once instead of blocking the shard (or the epoll thread). With the epoll
        // set each call says so itself (NativeSocket), and the socket stays without .NET's asynchronous context until
        // a send has to wait; otherwise the socket is made non-blocking.
        var native = epoll is not null;
        if (!native)
            socket.Blocking = false;
        _socket = socket;
        _input = new SocketReader(socket, epoll, slot);
        _output = new SocketWriter(socket, native);
    }

    public PipeReader Input => _input;

    public PipeWriter Output => _output;

    /// <summary>Drops the TCP connection at once; pending reads and sends fail.</summary>
    public void Abort() => _input.Abort();

    /// <summary>After the actor let go of the pipes: close TCP (what was sent is still delivered) and return the buffers.</summary>
    public void Dispose()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already reset or aborted.
        }
        _input.Unregister();
        _socket.Dispose();
        _input.Complete();
        _output.Complete();
    }
}
