using System.Net;
using System.Net.Sockets;

namespace Broker.Testing;

/// <summary>Asks the OS for a free loopback TCP port. Another process may take it before it is used: callers retry.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
