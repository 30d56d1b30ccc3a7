using System.Runtime.InteropServices;

namespace Broker.Server.WebSockets.Listener;

/// <summary>
/// How many sockets the accept loop may hold open under the process's open-file limit (Linux). A process left at its
/// limit dies: the runtime itself sometimes needs a descriptor, and failing to get one ended a node with "Out of memory."
/// within a minute at its limit. So the loop stops accepting while the sockets it holds, plus the descriptors the
/// process had when the listener started, would leave fewer than a reserve free (1/32 of the limit, 16 to 512): the
/// runtime, HTTP connections handed to Kestrel, Redis and the cluster take theirs from it. The soft limit is read on
/// every check, so a limit lowered at run time (prlimit) takes effect at once.
/// </summary>
internal sealed partial class DescriptorBudget
{
    private const int OpenFiles = 7; // RLIMIT_NOFILE

    private readonly int _baseline;

    private DescriptorBudget(int baseline) => _baseline = baseline;

    /// <summary>The budget from the descriptors open now, or null where it is not known (not Linux).</summary>
    public static DescriptorBudget? Create() =>
        OperatingSystem.IsLinux() && Directory.Exists("/proc/self/fd")
            ? new DescriptorBudget(Directory.GetFiles("/proc/self/fd").Length)
            : null;

    /// <summary>The descriptors kept free under <paramref name="limit"/>.</summary>
    public static int Reserve(long limit) => (int)Math.Clamp(limit / 32, 16, 512);

    /// <summary>True when holding one more socket than <paramref name="held"/> would eat into the reserve.</summary>
    public bool IsSpent(int held, out long limit)
    {
        limit = SoftLimit();
        return limit > 0 && _baseline + held + 1 + Reserve(limit) > limit;
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
