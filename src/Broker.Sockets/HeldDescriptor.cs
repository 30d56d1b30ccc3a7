using System.Net.Sockets;

namespace Broker.Sockets;

/// <summary>
/// A socket's descriptor held open for one native call (<c>recv</c>, <c>send</c>, <c>epoll_ctl</c>): a socket closed
/// meanwhile must not let the call reach a newer socket that reused the number. Dispose after the call.
/// </summary>
internal readonly ref struct HeldDescriptor
{
    private readonly SafeSocketHandle? _handle;

    private HeldDescriptor(SafeSocketHandle handle)
    {
        _handle = handle;
        Number = (int)handle.DangerousGetHandle();
    }

    /// <summary>The descriptor number; only meaningful while not <see cref="IsClosed"/>.</summary>
    public int Number { get; }

    /// <summary>True when the socket was closed before the call: nothing is held.</summary>
    public bool IsClosed => _handle is null;

    public static HeldDescriptor Take(Socket socket)
    {
        var handle = socket.SafeHandle;
        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
        }
        catch (ObjectDisposedException)
        {
            return default;
        }
        return added ? new HeldDescriptor(handle) : default;
    }

    public void Dispose() => _handle?.DangerousRelease();
}
