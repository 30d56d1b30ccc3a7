using System.Diagnostics;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.WebSockets;

/// <summary>The npm `ws` client (tests/interop-js, installed by build.sh's npm ci) against a live node.</summary>
public sealed class NodeWsInteropTests
{
    [Theory]
    [InlineData("plain")]
    [InlineData("deflate")]
    public async Task NodeWs_EchoConformanceScript_Passes(string mode)
    {
        await using var broker = await TestBroker.StartAsync();

        var (exitCode, output) = await RunNodeAsync("echo.js", broker.Ws("/echo").ToString(), mode);

        Assert.True(exitCode == 0, output);
        Assert.Contains("ok", output);
    }

    private static async Task<(int ExitCode, string Output)> RunNodeAsync(params string[] args)
    {
        var start = new ProcessStartInfo("node") { WorkingDirectory = InteropDirectory(), RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
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
