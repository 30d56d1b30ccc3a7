using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Broker.Sockets;

/// <summary>
/// Non-blocking <c>recv</c> and <c>send</c> on a socket left in blocking mode (Linux, with the epoll set). Setting
/// <see cref="Socket.Blocking"/> to false makes .NET create the socket's asynchronous context (about 150 B that every
/// connection keeps for life); <c>MSG_DONTWAIT</c> gives the same non-blocking call per operation without it.
/// </summary>
public static unsafe partial class NativeSocket
{
    private const int DontWait = 0x40;    // MSG_DONTWAIT
    private const int PeekFlag = 0x2;     // MSG_PEEK
    private const int NoSignal = 0x4000;  // MSG_NOSIGNAL: a send to a closed peer fails with EPIPE, not SIGPIPE
    private const int Interrupted = 4;    // EINTR

    /// <summary>Receives what the socket holds into <paramref name="buffer"/> without waiting (WouldBlock when nothing).</summary>
    public static int Receive(Socket socket, Span<byte> buffer, out SocketError error) =>
        Call(socket, buffer, DontWait, send: false, out error);

    /// <summary>Copies what the socket holds into <paramref name="buffer"/>, leaving it there, without waiting.</summary>
    public static int Peek(Socket socket, Span<byte> buffer, out SocketError error) =>
        Call(socket, buffer, DontWait | PeekFlag, send: false, out error);

    /// <summary>Sends what the socket's buffer takes of <paramref name="bytes"/> without waiting.</summary>
    public static int Send(Socket socket, ReadOnlySpan<byte> bytes, out SocketError error) =>
        Call(socket, bytes, DontWait | NoSignal, send: true, out error);

    // A closed socket reports OperationAborted, like .NET's own calls on a disposed socket.
    private static int Call(Socket socket, ReadOnlySpan<byte> bytes, int flags, bool send, out SocketError error)
    {
        using var descriptor = HeldDescriptor.Take(socket);
        if (descriptor.IsClosed)
        {
            error = SocketError.OperationAborted;
            return -1;
        }
        fixed (byte* pointer = bytes)
        {
            while (true)
            {
                var done = send ? SendTo(descriptor.Number, pointer, (nuint)bytes.Length, flags)
                    : Recv(descriptor.Number, pointer, (nuint)bytes.Length, flags);
                if (done >= 0)
                {
                    error = SocketError.Success;
                    return (int)done;
                }
                var errno = Marshal.GetLastPInvokeError();
                if (errno == Interrupted)
                    continue;
                error = Map(errno);
                return -1;
            }
        }
    }

    // Linux errno values to what .NET's socket calls report for them.
    private static SocketError Map(int errno) => errno switch
    {
        11 => SocketError.WouldBlock,          // EAGAIN
        32 => SocketError.Shutdown,            // EPIPE
        103 => SocketError.ConnectionAborted,  // ECONNABORTED
        104 => SocketError.ConnectionReset,    // ECONNRESET
        107 => SocketError.NotConnected,       // ENOTCONN
        110 => SocketError.TimedOut,           // ETIMEDOUT
        _ => SocketError.SocketError,
    };

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint Recv(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint SendTo(int fd, byte* buffer, nuint length, int flags);
}
