using System.Collections.Concurrent;
using System.Diagnostics;

namespace Broker.LoadTool;

/// <summary>
/// Subscribers first (every subscription acknowledged), then publishers; warm-up, a measured window, then publishers
/// stop and the run waits for every acknowledged publish to reach every subscriber of its topic before it counts losses.
/// </summary>
internal sealed class FanOutRun(LoadOptions options, TextWriter progress)
{
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DrainStallTimeout = TimeSpan.FromSeconds(10);

    private readonly TopicBoard _board = new(options.Topics);
    private readonly ConcurrentDictionary<string, long> _errorCodes = new();
    private readonly MeasureWindow _window = new();
    private Subscriber[] _subscribers = [];
    private Publisher[] _publishers = [];

    public async Task<LoadSummary> RunAsync()
    {
        _subscribers = Enumerable.Range(0, options.Subscribers)
            .Select(i => new Subscriber(i % options.Topics, _board, _window, receiveBufferBytes: 64 * 1024, options.SubscriberEpoll)
            {
                StampArrivals = options.LatencyAtArrival,
            })
            .ToArray();
        foreach (var subscriber in _subscribers)
            _board.SetProbe(subscriber.Topic, subscriber);
        _publishers = Enumerable.Range(0, options.Publishers)
            .Select(i => new Publisher(TopicsOf(i), _board, options.Size, options.Rate / options.Publishers, options.Window,
                options.MaxLag, _errorCodes))
            .ToArray();
        try
        {
            await Connector.OpenAllAsync(_subscribers, options.SubscriberUrl ?? options.Url, options.ConnectParallel,
                s => s.SubscribeAsync(Connector.ConnectTimeout));
            await Connector.OpenAllAsync(_publishers, options.Url, options.ConnectParallel, _ => Task.CompletedTask);
            progress.WriteLine($"{_subscribers.Length} subscribers and {_publishers.Length} publishers connected");
            return await MeasureAsync();
        }
        finally
        {
            await Connector.CloseAllAsync(_publishers.Concat<WsConnection>(_subscribers));
        }
    }

    // Publisher i takes topics i, i+M, i+2M, … when there are more topics than publishers, else topic i mod T.
    private int[] TopicsOf(int publisher) => options.Topics >= options.Publishers
        ? Enumerable.Range(0, options.Topics).Where(t => t % options.Publishers == publisher).ToArray()
        : [publisher % options.Topics];

    private async Task<LoadSummary> MeasureAsync()
    {
        using var stop = new CancellationTokenSource();
        _window.Open(TimeSpan.FromSeconds(options.Warmup), TimeSpan.FromSeconds(options.Duration));
        var publishing = _publishers.Select(p => p.RunAsync(stop.Token)).ToArray();
        using var reporter = new RunTimeline(progress, Delivered, Acked, Errors, Disconnects,
            () => _subscribers.Select(s => s.Latency).OfType<LatencyHistogram>(), options.ServerPids);

        await DelayUntil(_window.Start);
        var (startDelivered, startAcked, startTime) = (Delivered(), Acked(), Stopwatch.GetTimestamp());
        var (startServerCpu, startToolCpu) = (ProcessStats.CpuTime(options.ServerPids), ProcessStats.OwnCpuTime());
        await DelayUntil(_window.End);
        var (endDelivered, endAcked, endTime) = (Delivered(), Acked(), Stopwatch.GetTimestamp());
        var (endServerCpu, endToolCpu) = (ProcessStats.CpuTime(options.ServerPids), ProcessStats.OwnCpuTime());
        var rss = ProcessStats.ResidentBytes(options.ServerPids);
        var loadAverage = ProcessStats.LoadAverage();

        await stop.CancelAsync();
        await Task.WhenAll(publishing);
        await Task.WhenAll(_publishers.Select(p => p.WaitForAcksAsync(AckTimeout)));
        await DrainAsync();
        reporter.Dispose();

        var seconds = Stopwatch.GetElapsedTime(startTime, endTime).TotalSeconds;
        var latency = new LatencyHistogram();
        foreach (var subscriber in _subscribers)
        {
            if (subscriber.Latency is { } h)
                latency.Add(h);
        }
        var expected = _subscribers.Sum(s => _board.Acked(s.Topic));
        var connections = _publishers.Concat<WsConnection>(_subscribers).ToArray();
        return new LoadSummary
        {
            Url = options.Url.ToString(),
            SubscriberUrl = (options.SubscriberUrl ?? options.Url).ToString(),
            Subscribers = options.Subscribers,
            Publishers = options.Publishers,
            Topics = options.Topics,
            Size = options.Size,
            Rate = options.Rate,
            MeasuredSeconds = seconds,
            DeliveriesPerSecond = (endDelivered - startDelivered) / seconds,
            PublishesPerSecond = (endAcked - startAcked) / seconds,
            LatencyAt = options.LatencyAtArrival ? "arrival" : "read",
            LatencySamples = latency.Count,
            LatencyP50Ms = latency.ValueAt(0.50) / 1000.0,
            LatencyP99Ms = latency.ValueAt(0.99) / 1000.0,
            LatencyP999Ms = latency.ValueAt(0.999) / 1000.0,
            LatencyMaxMs = latency.Max / 1000.0,
            Published = Acked(),
            Delivered = Delivered(),
            Expected = expected,
            Missing = _subscribers.Sum(s => Math.Max(0, _board.Acked(s.Topic) - (s.Received - s.Duplicates))),
            Gaps = _subscribers.Sum(s => s.Gaps),
            Duplicates = _subscribers.Sum(s => s.Duplicates),
            OutOfOrder = _subscribers.Sum(s => s.OutOfOrder),
            Unacked = _publishers.Sum(p => p.Sent - p.Acked - p.Errors),
            Errors = Errors(),
            ErrorCodes = new SortedDictionary<string, long>(_errorCodes),
            Disconnects = Disconnects(),
            DisconnectReasons = connections.Where(c => c.Disconnect is not null)
                .GroupBy(c => c.Disconnect!)
                .Select(g => $"{g.Count()}x {g.Key}")
                .ToArray(),
            ServerRssBytes = rss,
            ServerCpuCores = options.ServerPids.Count == 0 ? null : (endServerCpu - startServerCpu)?.TotalSeconds / seconds,
            ToolCpuCores = (endToolCpu - startToolCpu).TotalSeconds / seconds,
            LoadAverage = loadAverage,
            Timeline = reporter.Points,
        };
    }

    // Waits until every subscriber holds every acknowledged publish of its topic, or nothing arrived for a while.
    private async Task DrainAsync()
    {
        var lastDelivered = -1L;
        var lastProgress = Stopwatch.GetTimestamp();
        while (_subscribers.Any(s => s.Disconnect is null && s.Received - s.Duplicates < _board.Acked(s.Topic)))
        {
            var delivered = Delivered();
            if (delivered != lastDelivered)
                (lastDelivered, lastProgress) = (delivered, Stopwatch.GetTimestamp());
            else if (Stopwatch.GetElapsedTime(lastProgress) > DrainStallTimeout)
                return;
            await Task.Delay(20);
        }
    }

    private static async Task DelayUntil(long timestamp)
    {
        var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), timestamp);
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);
    }

    private long Delivered()
    {
        long sum = 0;
        foreach (var subscriber in _subscribers)
            sum += subscriber.Received;
        return sum;
    }

    private long Acked() => _publishers.Sum(p => p.Acked);

    private long Errors() => _publishers.Sum(p => p.Errors) + _subscribers.Sum(s => s.Errors);

    private long Disconnects() => _publishers.Count(p => p.Disconnect is not null) + _subscribers.Count(s => s.Disconnect is not null);
}
