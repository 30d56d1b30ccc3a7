using System.Net;
using System.Diagnostics;

namespace Broker.LoadTool;

/// <summary>
/// Opens N connections, subscribes each to one topic, holds them idle (answering the broker's pings) and reports the
/// broker's resident memory before, after connecting and at the end of the hold; with --idle-warmup, "before" is sampled
/// after as many connections were opened and closed, so one-time costs (compiled code, loaded assemblies) are not counted.
/// </summary>
internal sealed class IdleRun(LoadOptions options, TextWriter progress)
{
    public async Task<IdleSummary> RunAsync()
    {
        var url = options.SubscriberUrl ?? options.Url;
        if (options.IdleWarmup > 0)
        {
            var warm = Connections(options.IdleWarmup);
            await OpenAllAsync(warm);
            await Connector.CloseAllAsync(warm);
            // Tiered compilation recompiles hot methods in the background shortly after they turn hot.
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
        var connections = Connections(options.Idle);
        var before = ProcessStats.ResidentBytes(options.ServerPids);
        try
        {
            var opening = Stopwatch.StartNew();
            await OpenAllAsync(connections);
            var openSeconds = opening.Elapsed.TotalSeconds;
            var open = ProcessStats.ResidentBytes(options.ServerPids);
            progress.WriteLine($"{connections.Length} idle connections open; holding {options.Duration} s");

            var held = Stopwatch.StartNew();
            using var ticker = new PeriodicTimer(TimeSpan.FromSeconds(1));
            while (held.Elapsed.TotalSeconds < options.Duration && await ticker.WaitForNextTickAsync())
            {
                var rss = ProcessStats.ResidentBytes(options.ServerPids);
                progress.WriteLine($"[{held.Elapsed.TotalSeconds,5:F0}s] open {connections.Count(c => c.Disconnect is null)}"
                    + (rss is { } r ? $"  server RSS {r / 1048576.0:F1} MiB" : ""));
            }
            return new IdleSummary
            {
                Url = url.ToString(),
                Connections = connections.Length,
                WarmupConnections = options.IdleWarmup,
                Topics = options.NoSubscribe ? 0 : options.Topics,
                OpenSeconds = openSeconds,
                HeldSeconds = held.Elapsed.TotalSeconds,
                Disconnects = connections.Count(c => c.Disconnect is not null),
                DisconnectReasons = connections.Where(c => c.Disconnect is not null)
                    .GroupBy(c => c.Disconnect!)
                    .Select(g => $"{g.Count()}x {g.Key}")
                    .ToArray(),
                ServerRssBeforeBytes = before,
                ServerRssOpenBytes = open,
                ServerRssEndBytes = ProcessStats.ResidentBytes(options.ServerPids),
                LoadAverage = ProcessStats.LoadAverage(),
            };
        }
        finally
        {
            await Connector.CloseAllAsync(connections);
        }
    }

    // Small buffers: 10,000 connections here should not starve the broker of memory on the same box.
    private Subscriber[] Connections(int count)
    {
        var board = new TopicBoard(options.Topics);
        return Enumerable.Range(0, count)
            .Select(i => new Subscriber(i % options.Topics, board, window: null, receiveBufferBytes: 1024, options.SubscriberEpoll)
            {
                SourceAddress = options.SourceAddresses > 1 ? new IPAddress([127, 0, 0, (byte)(1 + i % options.SourceAddresses)]) : null,
            })
            .ToArray();
    }

    private Task OpenAllAsync(Subscriber[] connections) =>
        Connector.OpenAllAsync(connections, options.SubscriberUrl ?? options.Url, options.ConnectParallel,
            s => options.NoSubscribe ? Task.CompletedTask : s.SubscribeAsync(Connector.ConnectTimeout));
}
