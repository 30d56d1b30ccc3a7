using System.IO.Enumeration;
using System.Runtime.InteropServices;

namespace Broker.Server.WebSockets.Listener;

/// <summary>
/// How many sockets the accept loop may hold open under the process's open-file limit (Linux). A process left at its
/// limit dies: the runtime itself sometimes needs a descriptor, and failing to get one ended a node with "Out of memory."
/// within a minute at its limit. So the loop stops accepting while the sockets it holds, plus every other descriptor the
/// process has open (HTTP connections handed to Kestrel, Redis, the cluster, files), would leave fewer than a reserve
/// free (1/32 of the limit, 16 to 512). The others are counted in /proc/self/fd once a second; between counts every
/// socket handed to Kestrel since the last count is assumed still open, and within two reserves of the limit (or when
/// the limit changed) the count is taken again, at most every 50 ms: keep-alive HTTP clients that came after the
/// listener started cannot push the process to its limit. The soft limit is read on every check, so a limit lowered at
/// run time (prlimit) takes effect at once. <see cref="IsSpent"/> has one caller at a time (the accept loop).
/// </summary>
internal sealed partial class DescriptorBudget
{
    private const int OpenFiles = 7; // RLIMIT_NOFILE
    private const string OpenDescriptors = "/proc/self/fd";
    private const long CountEveryMs = 1000;
    private const long CountNearTheLimitEveryMs = 50;

    // Descriptors open besides the listener's sockets, as last counted, when, and under which limit.
    private int _others;
    private long _countedAt = -CountEveryMs; // the first check counts
    private long _countedUnder;
    // Sockets handed to Kestrel since that count.
    private int _handedOff;

    private DescriptorBudget()
    {
    }

    /// <summary>The budget, or null where open descriptors cannot be counted (not Linux).</summary>
    public static DescriptorBudget? Create() =>
        OperatingSystem.IsLinux() && Directory.Exists(OpenDescriptors) ? new DescriptorBudget() : null;

    /// <summary>The descriptors kept free under <paramref name="limit"/>.</summary>
    public static int Reserve(long limit) => (int)Math.Clamp(limit / 32, 16, 512);

    /// <summary>A socket the listener accepted went to Kestrel's HTTP: it no longer counts as held, but stays open.</summary>
    public void HandedOff() => Interlocked.Increment(ref _handedOff);

    /// <summary>True when holding one more socket than <paramref name="held"/> would eat into the reserve.</summary>
    public bool IsSpent(int held, out long limit)
    {
        limit = SoftLimit();
        if (limit <= 0)
            return false;
        var reserve = Reserve(limit);
        var near = Estimate(held) + 2 * reserve > limit || limit != _countedUnder;
        if (Environment.TickCount64 - _countedAt >= (near ? CountNearTheLimitEveryMs : CountEveryMs))
        {
            // Hand-offs during the count are counted twice (in the count and again after it): erring towards spent.
            Volatile.Write(ref _handedOff, 0);
            if (CountOpen() is not { } open)
                return true; // not even the directory could be opened: at the limit
            _others = Math.Max(0, open - held);
            _countedAt = Environment.TickCount64;
            _countedUnder = limit;
        }
        return Estimate(held) + reserve > limit;
    }

    // Descriptors open if the listener takes one more socket.
    private long Estimate(int held) => _others + Volatile.Read(ref _handedOff) + held + 1L;

    // Entries of /proc/self/fd, without a string per entry (there may be 20,000); less the one the count itself opens.
    private static int? CountOpen()
    {
        try
        {
            var count = 0;
            foreach (var _ in new FileSystemEnumerable<bool>(OpenDescriptors, static (ref FileSystemEntry _) => true))
                count++;
            return count - 1;
        }
        catch (IOException)
        {
            return null;
        }
    }

    // RLIM_INFINITY reads as a huge value; a failed call as 0 (no budget).
    private static long SoftLimit()
    {
        var value = default(Limit);
        return GetLimit(OpenFiles, ref value) == 0 ? (long)Math.Min(value.Current, long.MaxValue) : 0;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Limit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetLimit(int resource, ref Limit limit);
}
