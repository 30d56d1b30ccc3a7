using System.Diagnostics;

namespace Broker.Server.Tests.Support;

/// <summary>Runs the npm `ws` client scripts in tests/interop-js (installed by build.sh's npm ci), each run bounded.</summary>
public static class NodeScripts
{
    public static async Task<(int ExitCode, string Output)> RunAsync(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = InteropDirectory(), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string InteropDirectory()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !Directory.Exists(Path.Combine(directory.FullName, "tests", "interop-js")))
            directory = directory.Parent;
        var interop = Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("tests/interop-js"), "tests", "interop-js");
        Assert.True(Directory.Exists(Path.Combine(interop, "node_modules", "ws")), "run npm ci in tests/interop-js (build.sh test does)");
        return interop;
    }
}
