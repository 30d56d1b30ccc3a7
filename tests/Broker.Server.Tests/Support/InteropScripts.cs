using System.Diagnostics;

namespace Broker.Server.Tests.Support;

/// <summary>
/// Runs the independent-peer scripts: the npm `ws` client in tests/interop-js (installed by build.sh's npm ci) and
/// Autobahn|Python in tests/interop-python (Debian's python3-autobahn, installed by build.sh). Every run is bounded.
/// </summary>
public static class InteropScripts
{
    // Debian's python3-autobahn installs into the system interpreter, not into whatever `python3` is first on PATH.
    private const string SystemPython = "/usr/bin/python3";

    public static Task<(int ExitCode, string Output)> NodeAsync(TimeSpan timeout, params string[] args)
    {
        var folder = Folder("interop-js");
        Assert.True(Directory.Exists(Path.Combine(folder, "node_modules", "ws")), "run npm ci in tests/interop-js (build.sh test does)");
        return RunAsync("node", folder, timeout, args);
    }

    public static Task<(int ExitCode, string Output)> PythonAsync(TimeSpan timeout, params string[] args) =>
        RunAsync(SystemPython, Folder("interop-python"), timeout, args);

    private static async Task<(int ExitCode, string Output)> RunAsync(string program, string folder, TimeSpan timeout, string[] args)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
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

    private static string Folder(string name)
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !Directory.Exists(Path.Combine(directory.FullName, "tests", name)))
            directory = directory.Parent;
        return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException($"tests/{name}"), "tests", name);
    }
}
