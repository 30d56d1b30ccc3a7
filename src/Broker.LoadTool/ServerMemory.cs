namespace Broker.LoadTool;

/// <summary>Reads a process's resident set size from <c>/proc/PID/status</c> (Linux).</summary>
internal static class ServerMemory
{
    /// <summary>VmRSS in bytes, or null when the process or the line is not there.</summary>
    public static long? ResidentBytes(int? pid)
    {
        if (pid is null)
            return null;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (!line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    continue;
                var kib = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kib, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException)
        {
            // The process is gone.
        }
        return null;
    }
}
