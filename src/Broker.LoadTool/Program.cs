using System.Text.Json;
using Broker.LoadTool;

// Socket completions run on .NET's socket engine threads instead of hopping to the thread pool (read once, when the
// first socket is made): the tool shares the broker's cores, and in (b2) this and the thread pool's spin setting
// (Broker.LoadTool.csproj) took its CPU from 0.83-0.91 to 0.61-0.79 cores (docs/benchmarks.md, round 5) and removed the
// thread pool's queueing from the latencies it stamps. Every handler on a receive is short.
if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

// Progress goes to stderr and the summary to stdout, so `--json > result.json` keeps a clean file.
if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(LoadOptions.Usage);
    return 0;
}

if (args is ["--sweep-chart", var chart, .. var runs])
{
    RunReport.WriteSweepChart(chart, runs);
    Console.Error.WriteLine($"wrote {chart}");
    return 0;
}
if (args is ["--run-chart", var runChart, var run])
{
    File.WriteAllText(runChart, RunReport.RunChart(RunReport.Read(run)));
    Console.Error.WriteLine($"wrote {runChart}");
    return 0;
}

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}

var json = RunReport.Json;
try
{
    if (options.Idle > 0)
    {
        var idle = await new IdleRun(options, Console.Error).RunAsync();
        Console.WriteLine(options.Json ? JsonSerializer.Serialize(idle, json) : idle.ToText());
        return idle.Clean ? 0 : 1;
    }
    var summary = await new FanOutRun(options, Console.Error).RunAsync();
    if (options.Report is { } report)
    {
        RunReport.Write(report, summary);
        Console.Error.WriteLine($"wrote {report}.json and {report}.svg");
    }
    Console.WriteLine(options.Json ? JsonSerializer.Serialize(summary, json) : summary.ToText());
    return summary.Clean ? 0 : 1;
}
catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or TimeoutException or OperationCanceledException)
{
    Console.Error.WriteLine($"load run failed: {e.Message}");
    return 1;
}
