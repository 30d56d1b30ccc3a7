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
    private const int SocketLevel = 1;    // SOL_SOCKET
    private const int TimestampNs = 35;   // SO_TIMESTAMPNS, and SCM_TIMESTAMPNS in a control message

    /// <summary>Receives what the socket holds into <paramref name="buffer"/> without waiting (WouldBlock when nothing).</summary>
    public static int Receive(Socket socket, Span<byte> buffer, out SocketError error) =>
        Call(socket, buffer, DontWait, send: false, out error);

    /// <summary>Copies what the socket holds into <paramref name="buffer"/>, leaving it there, without waiting.</summary>
    public static int Peek(Socket socket, Span<byte> buffer, out SocketError error) =>
        Call(socket, buffer, DontWait | PeekFlag, send: false, out error);

    /// <summary>Sends what the socket's buffer takes of <paramref name="bytes"/> without waiting.</summary>
    public static int Send(Socket socket, ReadOnlySpan<byte> bytes, out SocketError error) =>
        Call(socket, bytes, DontWait | NoSignal, send: true, out error);

    /// <summary>
    /// Asks the kernel to stamp every received segment with the time it reached the socket (SO_TIMESTAMPNS), for
    /// <see cref="ReceiveStamped"/>. The kernel turns stamping on asynchronously when the first socket asks, so the
    /// first segments after that may still arrive unstamped.
    /// </summary>
    public static void StampArrivals(Socket socket) => socket.SetRawSocketOption(SocketLevel, TimestampNs, BitConverter.GetBytes(1));

    /// <summary>
    /// Like <see cref="Receive"/>, and gives the kernel's arrival time of the data read (CLOCK_REALTIME, in ns since the
    /// Unix epoch; for TCP the last segment's) where <see cref="StampArrivals"/> was set, otherwise 0.
    /// </summary>
    public static int ReceiveStamped(Socket socket, Span<byte> buffer, out long arrivedNs, out SocketError error)
    {
        arrivedNs = 0;
        using var descriptor = HeldDescriptor.Take(socket);
        if (IsClosed(descriptor, out error))
            return -1;
        const int controlBytes = 64; // one cmsghdr (16 B) with a timespec (16 B), aligned
        var control = stackalloc byte[controlBytes];
        fixed (byte* pointer = buffer)
        {
            var vector = new IoVector { Base = pointer, Length = (nuint)buffer.Length };
            MessageHeader message;
            nint done;
            do
            {
                message = new MessageHeader { Vectors = &vector, VectorCount = 1, Control = control, ControlLength = controlBytes };
                done = ReceiveMessage(descriptor.Number, &message, DontWait);
            }
            while (!Settled(done, out error));
            if (done < 0)
                return -1;
            arrivedNs = ArrivalIn(control, (long)message.ControlLength);
            return (int)done;
        }
    }

    // The SCM_TIMESTAMPNS control message's timespec, or 0 when there is none.
    private static long ArrivalIn(byte* control, long length)
    {
        for (var offset = 0L; offset + sizeof(ControlHeader) <= length;)
        {
            var header = (ControlHeader*)(control + offset);
            if (header->Level == SocketLevel && header->Type == TimestampNs && (long)header->Length >= sizeof(ControlHeader) + 16)
            {
                var time = (long*)(header + 1);
                return time[0] * 1_000_000_000 + time[1];
            }
            if (header->Length == 0)
                break;
            offset += ((long)header->Length + 7) & ~7L;
        }
        return 0;
    }

    private static int Call(Socket socket, ReadOnlySpan<byte> bytes, int flags, bool send, out SocketError error)
    {
        using var descriptor = HeldDescriptor.Take(socket);
        if (IsClosed(descriptor, out error))
            return -1;
        fixed (byte* pointer = bytes)
        {
            nint done;
            do
            {
                done = send ? SendTo(descriptor.Number, pointer, (nuint)bytes.Length, flags)
                    : Recv(descriptor.Number, pointer, (nuint)bytes.Length, flags);
            }
            while (!Settled(done, out error));
            return done < 0 ? -1 : (int)done;
        }
    }

    // A closed socket reports OperationAborted, like .NET's own calls on a disposed socket.
    private static bool IsClosed(in HeldDescriptor descriptor, out SocketError error)
    {
        error = descriptor.IsClosed ? SocketError.OperationAborted : SocketError.Success;
        return descriptor.IsClosed;
    }

    // The call's outcome, or false when it was interrupted (EINTR) and is to be made again.
    private static bool Settled(nint done, out SocketError error)
    {
        if (done >= 0)
        {
            error = SocketError.Success;
            return true;
        }
        var errno = Marshal.GetLastPInvokeError();
        error = Map(errno);
        return errno != Interrupted;
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

    // struct iovec, struct msghdr and struct cmsghdr as Linux on 64-bit lays them out.
    private struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    private struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vectors;
        public nuint VectorCount;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

#pragma warning disable CS0649 // written by the kernel
    private struct ControlHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }
#pragma warning restore CS0649

    [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
    private static partial nint ReceiveMessage(int fd, MessageHeader* message, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint Recv(int fd, byte* buffer, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint SendTo(int fd, byte* buffer, nuint length, int flags);
}
