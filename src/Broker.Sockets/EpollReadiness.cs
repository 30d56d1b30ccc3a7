using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Broker.Sockets;

/// <summary>
/// One epoll set and the thread that waits on it, for the sockets the process reads itself (Linux on x64, where
/// <c>struct epoll_event</c> is packed). A broker connection waits for data by arming its socket (one-shot,
/// level-triggered: a socket armed while data is already there fires at once), and costs a slot here instead of .NET's
/// per-socket asynchronous receive state (operation, event args and callback, about 0.5 KB on every idle connection).
/// A socket read on this thread alone is watched instead (<see cref="Watch"/>): one <c>recv</c> per wake-up, no re-arm.
/// The target runs on this thread: it receives without blocking and hands the bytes on, so it never waits.
/// </summary>
public sealed partial class EpollReadiness
{
    private const uint In = 0x001;
    private const uint ReadHangUp = 0x2000;
    private const uint OneShot = 1u << 30;
    private const int Add = 1;
    private const int Delete = 2;
    private const int Modify = 3;
    private const int Interrupted = 4; // EINTR
    private const int MaxEvents = 256;

    private readonly int _epoll;
    private readonly Lock _gate = new();
    private IReadinessTarget?[] _targets = new IReadinessTarget?[1024];
    private readonly Stack<int> _free = new();
    private int _used;

    /// <summary>
    /// The process's epoll loop (its thread starts on first use), or null where the broker falls back to .NET's
    /// asynchronous receives.
    /// </summary>
    public static EpollReadiness? Shared { get; } = Create();

    private EpollReadiness(int epoll)
    {
        _epoll = epoll;
        new Thread(Loop) { IsBackground = true, Name = "broker-epoll" }.Start();
    }

    private static EpollReadiness? Create()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return null;
        var epoll = EpollCreate1(0);
        return epoll < 0 ? null : new EpollReadiness(epoll);
    }

    /// <summary>A slot for <paramref name="target"/>; the socket is added to the set when first armed.</summary>
    public int Register(IReadinessTarget target)
    {
        lock (_gate)
        {
            var slot = _free.Count > 0 ? _free.Pop() : _used++;
            if (slot == _targets.Length)
            {
                var grown = new IReadinessTarget?[_targets.Length * 2];
                _targets.CopyTo(grown, 0);
                Volatile.Write(ref _targets, grown);
            }
            Volatile.Write(ref _targets[slot], target);
            return slot;
        }
    }

    /// <summary>Hands a slot to another target (the listener's head wait to the connection's reader).</summary>
    public void Retarget(int slot, IReadinessTarget target)
    {
        lock (_gate)
            Volatile.Write(ref _targets[slot], target);
    }

    /// <summary>
    /// Calls the slot's target once <paramref name="socket"/> is readable; <paramref name="added"/> says whether the
    /// socket is in the set already (false the first time). Throws when the socket is gone.
    /// </summary>
    public void Arm(Socket socket, int slot, bool added) => Set(socket, added ? Modify : Add, In | ReadHangUp | OneShot, slot);

    /// <summary>
    /// Adds <paramref name="socket"/> to the set for good (level-triggered): the slot's target is called on every
    /// wake-up while the socket holds data or its peer has closed, until <see cref="Unregister"/> (with added: true).
    /// </summary>
    public void Watch(Socket socket, int slot) => Set(socket, Add, In | ReadHangUp, slot);

    /// <summary>Takes the socket out of the set (before it is closed or handed to Kestrel) and frees the slot.</summary>
    public void Unregister(Socket socket, int slot, bool added)
    {
        var none = default(Event);
        if (added)
            Control(socket, Delete, ref none); // null when the socket is closed: closing took it out of the set
        lock (_gate)
        {
            // A wake-up already taken from the kernel may still name this slot: its next owner treats it as spurious.
            Volatile.Write(ref _targets[slot], null);
            _free.Push(slot);
        }
    }

    private void Set(Socket socket, int operation, uint events, int slot)
    {
        var change = new Event { Events = events, Data = (ulong)slot };
        switch (Control(socket, operation, ref change))
        {
            case null: throw new ObjectDisposedException(nameof(Socket));
            case not 0 and var error: throw new SocketException(error.Value);
        }
    }

    // epoll_ctl on the socket's descriptor, held open meanwhile (HeldDescriptor). Null when the socket is closed already.
    private int? Control(Socket socket, int operation, ref Event change)
    {
        using var descriptor = HeldDescriptor.Take(socket);
        if (descriptor.IsClosed)
            return null;
        return EpollCtl(_epoll, operation, descriptor.Number, ref change) == 0 ? 0 : Marshal.GetLastPInvokeError();
    }

    private void Loop()
    {
        var events = new Event[MaxEvents];
        while (true)
        {
            var ready = EpollWait(_epoll, events, MaxEvents, -1);
            if (ready < 0)
            {
                if (Marshal.GetLastPInvokeError() == Interrupted)
                    continue;
                return; // the set is gone: nothing can be waited for any more
            }
            var targets = Volatile.Read(ref _targets);
            for (var i = 0; i < ready; i++)
            {
                try
                {
                    Volatile.Read(ref targets[(int)events[i].Data])?.OnReadable();
                }
                catch (Exception)
                {
                    // Targets report their own failures to their connection; one that escapes must not stop every read.
                }
            }
        }
    }

    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private struct Event
    {
        public uint Events;
        public ulong Data;
    }

    [LibraryImport("libc", EntryPoint = "epoll_create1", SetLastError = true)]
    private static partial int EpollCreate1(int flags);

    [LibraryImport("libc", EntryPoint = "epoll_ctl", SetLastError = true)]
    private static partial int EpollCtl(int epoll, int operation, int fd, ref Event change);

    [LibraryImport("libc", EntryPoint = "epoll_wait", SetLastError = true)]
    private static partial int EpollWait(int epoll, [Out] Event[] events, int maxEvents, int timeout);
}
