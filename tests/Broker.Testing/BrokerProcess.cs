using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Broker.Testing;

/// <summary>
/// A real broker node in its own process: <c>dotnet Broker.Server.dll --host 127.0.0.1 --port 0 ...</c>. The node picks
/// a free port and prints <c>Broker listening on http://HOST:PORT</c> on stdout; the fixture parses it. Logs (stderr)
/// are kept for failure messages. <see cref="Kill()"/> is SIGKILL (a crash), <see cref="Terminate"/> SIGTERM (graceful).
/// </summary>
public sealed class BrokerProcess : IAsyncDisposable
{
    private const string ListeningPrefix = "Broker listening on ";
    private const int LogLimit = 64 * 1024;
    private static readonly TimeSpan DefaultStartTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly ConcurrentQueue<string> _otherOutput;
    private readonly Listening _listening;

    private BrokerProcess(Process process, Listening listening, ConcurrentQueue<string> otherOutput)
    {
        _process = process;
        _listening = listening;
        _otherOutput = otherOutput;
    }

    /// <summary>
    /// Stdout lines other than the listening line. The node promises there are none (scripts parse its stdout); complete
    /// once <see cref="WaitForExitAsync"/> returned.
    /// </summary>
    public IReadOnlyCollection<string> OtherStandardOutput => _otherOutput;

    /// <summary>
    /// http://127.0.0.1:PORT/ as the node last printed it. A node the cluster downed starts again in the same process
    /// (a new incarnation, on a new port when started with port 0) and prints a new listening line.
    /// </summary>
    public Uri HttpUri => _listening.Latest!;

    /// <summary>How many times the node printed its listening line: 1, plus one for each rejoin after being downed.</summary>
    public int Starts => _listening.Starts;

    /// <summary>ws://127.0.0.1:PORT/ws, the broker endpoint.</summary>
    public Uri WebSocketUri => new($"ws://{HttpUri.Authority}/ws");

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The node's stderr so far (the last 64 KiB), for assertion messages.</summary>
    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    /// <summary>
    /// Starts a node with <paramref name="args"/> after the loopback/port-0 flags and <paramref name="environment"/> added
    /// to the inherited environment; completes once the node printed its address. Throws with the node's log when it
    /// exits or stays silent past the timeout.
    /// </summary>
    public static async Task<BrokerProcess> StartAsync(IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ServerDll());
        foreach (var arg in (string[])["--host", "127.0.0.1", "--port", "0", .. args]) info.ArgumentList.Add(arg);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;

        var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        var address = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var log = new StringBuilder();
        var otherOutput = new ConcurrentQueue<string>();
        var listening = new Listening();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            if (e.Data.StartsWith(ListeningPrefix, StringComparison.Ordinal))
            {
                listening.Started(new Uri(e.Data[ListeningPrefix.Length..].Trim()));
                address.TrySetResult(listening.Latest!);
            }
            else
            {
                otherOutput.Enqueue(e.Data);
            }
        };
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync();
        var deadline = Task.Delay(timeout ?? DefaultStartTimeout);
        var first = await Task.WhenAny(address.Task, exited, deadline).ConfigureAwait(false);
        if (first == address.Task)
        {
            var broker = new BrokerProcess(process, listening, otherOutput);
            process.ErrorDataReceived += (_, e) => Append(broker._log, e.Data);
            lock (log) broker._log.Append(log);
            return broker;
        }

        var reason = first == exited ? $"exited with {process.ExitCode}" : "did not print its address in time";
        KillQuietly(process);
        string output;
        lock (log) output = log.ToString();
        process.Dispose();
        throw new BrokerStartException($"broker {string.Join(' ', info.ArgumentList)} {reason}:\n{output}");
    }

    /// <summary>SIGKILL: no shutdown at all, as in a crash; clients see the TCP connection drop (1006).</summary>
    public void Kill() => KillQuietly(_process);

    /// <summary>SIGTERM: the node shuts down gracefully (1001 to clients, leaves the cluster).</summary>
    public void Terminate() => Signal(SigTerm, "TERM");

    private void Signal(int signal, string name)
    {
        if (!_process.HasExited && Kill(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill -{name} {_process.Id} failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>SIGSTOP: the node freezes with every socket open, as in a long GC pause or a stalled VM.</summary>
    public void Pause() => Signal(SigStop, "STOP");

    /// <summary>SIGCONT: undoes <see cref="Pause"/>.</summary>
    public void Resume() => Signal(SigCont, "CONT");

    /// <summary>Waits until the node printed its listening line <paramref name="starts"/> times (it rejoined).</summary>
    public Task WaitForStartsAsync(int starts, TimeSpan timeout) =>
        Eventually.TrueAsync(() => Starts >= starts, timeout, $"broker pid {ProcessId} started {starts} times");

    /// <summary>Waits for the process to exit; returns its exit code. Throws <see cref="TimeoutException"/> past the timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"broker pid {_process.Id} did not exit within {timeout}");
        }
        return _process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        KillQuietly(_process);
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Append(StringBuilder log, string? line)
    {
        if (line is null) return;
        lock (log)
        {
            log.AppendLine(line);
            if (log.Length > LogLimit) log.Remove(0, log.Length - LogLimit);
        }
    }

    private static void KillQuietly(Process process)
    {
        try
        {
            if (process.HasExited) return;
            process.Kill();
            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    // The server is built next to the tests (the test project references it without using it), in the same
    // configuration: tests/X/bin/Release/net10.0/ -> src/Broker.Server/bin/Release/net10.0/Broker.Server.dll.
    private static string ServerDll()
    {
        var (configuration, framework) = Repository.Build;
        var dll = Path.Combine(Repository.Root, "src", "Broker.Server", "bin", configuration, framework, "Broker.Server.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"build src/Broker.Server -c {configuration} first", dll);
    }

    private const int SigTerm = 15;
    private const int SigCont = 18; // Linux numbering
    private const int SigStop = 19;

    // DllImport, not LibraryImport: the generated stub needs unsafe code, and kill(2) takes two ints.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    // Written by the stdout reader thread, read by tests.
    private sealed class Listening
    {
        private volatile Uri? _latest;
        private int _starts;

        public Uri? Latest => _latest;

        public int Starts => Volatile.Read(ref _starts);

        public void Started(Uri address)
        {
            _latest = address;
            Interlocked.Increment(ref _starts);
        }
    }

    private sealed class BrokerStartException(string message) : Exception(message);
}
