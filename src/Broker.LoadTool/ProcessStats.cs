using System.Diagnostics;
using System.Globalization;

namespace Broker.LoadTool;

/// <summary>
/// A process's resident memory and CPU time from <c>/proc</c> (Linux): the broker's, given its PID, and the tool's own,
/// to show how the two cores were shared.
/// </summary>
internal static class ProcessStats
{
    // USER_HZ: /proc/PID/stat counts CPU time in clock ticks, 100 per second on every Linux the runtime supports.
    private const double TicksPerSecond = 100;

    /// <summary>VmRSS of every process in bytes, summed; null when there are none or one is gone.</summary>
    public static long? ResidentBytes(IReadOnlyList<int> pids) => Sum(pids, ResidentBytes);

    /// <summary>User plus system CPU time of every process, summed; null when there are none or one is gone.</summary>
    public static TimeSpan? CpuTime(IReadOnlyList<int> pids) =>
        Sum(pids, pid => CpuTime(pid)?.Ticks) is { } ticks ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>User plus system CPU time of this process.</summary>
    public static TimeSpan OwnCpuTime() => Process.GetCurrentProcess().TotalProcessorTime;

    private static long? Sum(IReadOnlyList<int> pids, Func<int, long?> read)
    {
        if (pids.Count == 0)
            return null;
        long sum = 0;
        foreach (var pid in pids)
        {
            if (read(pid) is not { } value)
                return null;
            sum += value;
        }
        return sum;
    }

    private static long? ResidentBytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    continue;
                var kib = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kib, CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
            // The process is gone.
        }
        return null;
    }

    private static TimeSpan? CpuTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the parenthesised command name (which may hold spaces): utime and stime are fields 14 and 15.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / TicksPerSecond);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The 1-minute load average (runnable tasks) from <c>/proc/loadavg</c>: how crowded the shared cores were.</summary>
    public static double? LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
