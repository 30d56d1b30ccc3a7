namespace Broker.LoadTool;

/// <summary>Prints one progress line per second: deliveries/s, publishes/s, errors, disconnects and the broker's RSS.</summary>
internal sealed class ProgressReporter : IDisposable
{
    private readonly TextWriter _output;
    private readonly Func<long> _delivered;
    private readonly Func<long> _published;
    private readonly Func<long> _errors;
    private readonly Func<long> _disconnects;
    private readonly IReadOnlyList<int> _serverPids;
    private readonly Timer _timer;
    private readonly DateTime _started = DateTime.UtcNow;
    private long _lastDelivered;
    private long _lastPublished;
    private DateTime _last;
    private int _disposed;

    public ProgressReporter(TextWriter output, Func<long> delivered, Func<long> published, Func<long> errors,
        Func<long> disconnects, IReadOnlyList<int> serverPids)
    {
        (_output, _delivered, _published, _errors, _disconnects, _serverPids) =
            (output, delivered, published, errors, disconnects, serverPids);
        (_lastDelivered, _lastPublished, _last) = (delivered(), published(), _started);
        _timer = new Timer(_ => Report(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _timer.Dispose();
    }

    private void Report()
    {
        // Timer callbacks may overlap on a starved machine; a skipped line is better than two interleaved ones.
        if (!Monitor.TryEnter(_timer))
            return;
        try
        {
            var now = DateTime.UtcNow;
            var seconds = (now - _last).TotalSeconds;
            var (delivered, published) = (_delivered(), _published());
            var rss = ProcessStats.ResidentBytes(_serverPids);
            _output.WriteLine(
                $"[{(now - _started).TotalSeconds,5:F0}s] deliveries/s {(delivered - _lastDelivered) / seconds,11:N0}  "
                + $"publishes/s {(published - _lastPublished) / seconds,9:N0}  errors {_errors()}  disconnects {_disconnects()}"
                + (rss is { } r ? $"  server RSS {r / 1048576.0:F0} MiB" : ""));
            (_lastDelivered, _lastPublished, _last) = (delivered, published, now);
        }
        finally
        {
            Monitor.Exit(_timer);
        }
    }
}
