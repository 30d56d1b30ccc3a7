using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Broker.Testing;

namespace Broker.Cluster.Tests;

/// <summary>
/// The project's JavaScript client in a node process (js/failover-client.mjs): subscribed to one topic, connecting to
/// the given URLs in turn. Its stdout events (one JSON object a line) are read in order with <see cref="WaitForAsync"/>.
/// </summary>
public sealed class FailoverClient : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<JsonElement> _events = Channel.CreateUnbounded<JsonElement>();
    private readonly List<string> _seen = [];
    private readonly List<long> _offsets = [];

    private FailoverClient(Process process) => _process = process;

    public static FailoverClient Start(string topic, params Uri[] urls)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(Repository.Root, "tests", "Broker.Cluster.Tests", "js", "failover-client.mjs"));
        info.ArgumentList.Add(topic);
        foreach (var url in urls) info.ArgumentList.Add(url.ToString());
        var client = new FailoverClient(Process.Start(info) ?? throw new InvalidOperationException("node did not start"));
        client._process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not { Length: > 0 } line) return;
            var next = JsonDocument.Parse(line).RootElement.Clone();
            if (Is(next, "message")) lock (client._offsets) client._offsets.Add(next.GetProperty("offset").GetInt64());
            client._events.Writer.TryWrite(next);
        };
        client._process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (client._seen) client._seen.Add("stderr: " + e.Data);
        };
        client._process.Exited += (_, _) => client._events.Writer.TryComplete();
        client._process.EnableRaisingEvents = true;
        client._process.BeginOutputReadLine();
        client._process.BeginErrorReadLine();
        return client;
    }

    /// <summary>Reads events until one matches; throws with every event seen when the timeout passes or node exits.</summary>
    public async Task<JsonElement> WaitForAsync(Func<JsonElement, bool> match, TimeSpan timeout, string what)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var next = await _events.Reader.ReadAsync(cancel.Token);
                lock (_seen) _seen.Add(next.GetRawText());
                if (match(next)) return next;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
        {
            string seen;
            lock (_seen) seen = string.Join('\n', _seen);
            throw new TimeoutException($"JS client: not {what} within {timeout}; events so far:\n{seen}");
        }
    }

    /// <summary>The offset of every message the client printed so far, in the order it printed them.</summary>
    public IReadOnlyList<long> Offsets
    {
        get
        {
            lock (_offsets) return [.. _offsets];
        }
    }

    public static bool Is(JsonElement e, string name) => e.GetProperty("event").GetString() == name;

    public ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
