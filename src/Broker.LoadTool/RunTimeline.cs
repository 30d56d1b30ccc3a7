namespace Broker.LoadTool;

/// <summary>
/// Once a second during a fan-out run: prints the progress line (deliveries/s, publishes/s, p99 so far, errors,
/// disconnects, the broker's RSS) and keeps the second as a <see cref="TimelinePoint"/> for the JSON report and the SVG
/// chart. Latencies come from merging the subscribers' own histograms (single-writer, read racily: a count read while
/// it is incremented is off by one, which statistics tolerate), so subscribers pay nothing extra per message.
/// </summary>
internal sealed class RunTimeline : IDisposable
{
    private readonly TextWriter _output;
    private readonly Func<long> _delivered;
    private readonly Func<long> _published;
    private readonly Func<long> _errors;
    private readonly Func<long> _disconnects;
    private readonly Func<IEnumerable<LatencyHistogram>> _latencies;
    private readonly IReadOnlyList<int> _serverPids;
    private readonly List<TimelinePoint> _points = [];
    private readonly Timer _timer;
    private readonly DateTime _started = DateTime.UtcNow;
    private LatencyHistogram _lastLatency = new();
    private long _lastDelivered;
    private long _lastPublished;
    private DateTime _last;
    private int _disposed;

    public RunTimeline(TextWriter output, Func<long> delivered, Func<long> published, Func<long> errors,
        Func<long> disconnects, Func<IEnumerable<LatencyHistogram>> latencies, IReadOnlyList<int> serverPids)
    {
        (_output, _delivered, _published, _errors, _disconnects, _latencies, _serverPids) =
            (output, delivered, published, errors, disconnects, latencies, serverPids);
        (_lastDelivered, _lastPublished, _last) = (delivered(), published(), _started);
        _timer = new Timer(_ => Tick(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>The seconds recorded so far.</summary>
    public IReadOnlyList<TimelinePoint> Points
    {
        get
        {
            lock (_points) return [.. _points];
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _timer.Dispose();
    }

    private void Tick()
    {
        // Timer callbacks may overlap on a starved machine; a skipped second is better than two interleaved ones.
        if (!Monitor.TryEnter(_timer))
            return;
        try
        {
            var now = DateTime.UtcNow;
            var seconds = Math.Max(0.001, (now - _last).TotalSeconds);
            var (delivered, published) = (_delivered(), _published());
            var soFar = new LatencyHistogram();
            foreach (var histogram in _latencies())
                soFar.Add(histogram);
            var second = soFar.Since(_lastLatency);
            var point = new TimelinePoint(Math.Round((now - _started).TotalSeconds, 1),
                (delivered - _lastDelivered) / seconds, (published - _lastPublished) / seconds, second.Count,
                second.ValueAt(0.50) / 1000.0, second.ValueAt(0.99) / 1000.0, second.Max / 1000.0);
            lock (_points) _points.Add(point);
            var rss = ProcessStats.ResidentBytes(_serverPids);
            _output.WriteLine(
                $"[{point.Second,5:F0}s] deliveries/s {point.DeliveriesPerSecond,11:N0}  publishes/s {point.PublishesPerSecond,9:N0}  "
                + $"delivered {delivered:N0}  p99 so far {(soFar.Count > 0 ? $"{soFar.ValueAt(0.99) / 1000.0:F2} ms" : "-")}  "
                + $"errors {_errors()}  disconnects {_disconnects()}"
                + (rss is { } r ? $"  server RSS {r / 1048576.0:F0} MiB" : ""));
            (_lastDelivered, _lastPublished, _last, _lastLatency) = (delivered, published, now, soFar);
        }
        finally
        {
            Monitor.Exit(_timer);
        }
    }
}
