namespace Broker.Cluster.Tests.Soak;

/// <summary>A process's resident memory and open file descriptors (sockets, pipes, files), read from /proc.</summary>
public sealed record ProcessResources(long RssBytes, int Handles)
{
    public static ProcessResources Of(int pid)
    {
        var rssKb = File.ReadLines($"/proc/{pid}/status")
            .Where(line => line.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Select(line => long.Parse(line["VmRSS:".Length..].Trim().Split(' ')[0]))
            .Single();
        return new ProcessResources(rssKb * 1024, Directory.GetFileSystemEntries($"/proc/{pid}/fd").Length);
    }

    public override string ToString() => $"RSS {RssBytes / (1024.0 * 1024):0.0} MiB, {Handles} handles";
}
