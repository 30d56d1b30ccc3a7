namespace Broker.LoadTool;

/// <summary>The outcome of a fan-out run; serialized as is for --json. Latencies in milliseconds.</summary>
internal sealed record LoadSummary
{
    public required string Url { get; init; }
    public required string SubscriberUrl { get; init; }
    public required int Subscribers { get; init; }
    public required int Publishers { get; init; }
    public required int Topics { get; init; }
    public required int Size { get; init; }
    public required double Rate { get; init; }
    public required double MeasuredSeconds { get; init; }
    public required double DeliveriesPerSecond { get; init; }
    public required double PublishesPerSecond { get; init; }
    /// <summary>Where a delivery's latency ends: "read" (the tool's read) or "arrival" (the kernel's receive stamp).</summary>
    public string LatencyAt { get; init; } = "read";
    public required long LatencySamples { get; init; }
    public required double LatencyP50Ms { get; init; }
    public required double LatencyP99Ms { get; init; }
    public required double LatencyP999Ms { get; init; }
    public required double LatencyMaxMs { get; init; }
    public required long Published { get; init; }
    public required long Delivered { get; init; }
    public required long Expected { get; init; }
    public required long Missing { get; init; }
    public required long Gaps { get; init; }
    public required long Duplicates { get; init; }
    public required long OutOfOrder { get; init; }
    public required long Unacked { get; init; }
    public required long Errors { get; init; }
    public required IReadOnlyDictionary<string, long> ErrorCodes { get; init; }
    public required long Disconnects { get; init; }
    public required IReadOnlyList<string> DisconnectReasons { get; init; }
    public long? ServerRssBytes { get; init; }
    /// <summary>Average cores the broker and this tool kept busy during the measured window.</summary>
    public double? ServerCpuCores { get; init; }
    public required double ToolCpuCores { get; init; }
    public double? LoadAverage { get; init; }
    /// <summary>One entry per second of the run (warm-up included; latencies only inside the measured window).</summary>
    public IReadOnlyList<TimelinePoint> Timeline { get; init; } = [];

    /// <summary>
    /// Deliveries per second of broker CPU time: on a machine shared with other work this says more about the broker
    /// than deliveries per wall-clock second.
    /// </summary>
    public double? DeliveriesPerBrokerCpuSecond => ServerCpuCores is > 0 and var cores ? DeliveriesPerSecond / cores : null;

    public bool Clean => Missing == 0 && Gaps == 0 && Duplicates == 0 && OutOfOrder == 0 && Unacked == 0 && Errors == 0
        && Disconnects == 0;

    // No samples: nothing published in the measured window arrived by the end (the broker fell that far behind).
    private string LatencyText => LatencySamples == 0 ? "none arrived of the publishes in the measured window"
        : $"p50 {LatencyP50Ms:F2}  p99 {LatencyP99Ms:F2}  p99.9 {LatencyP999Ms:F2}  max {LatencyMaxMs:F2}  ({LatencySamples:N0} samples)";

    public string ToText() => $"""
        fan-out: {Publishers} publisher(s) -> {Subscribers} subscriber(s) over {Topics} topic(s), {Size}-byte data, rate {(Rate > 0 ? $"{Rate:N0}/s" : "max")}
          measured        {MeasuredSeconds:F1} s
          deliveries/s    {DeliveriesPerSecond:N0}
          publishes/s     {PublishesPerSecond:N0}
          latency ms      {LatencyText}  (publish -> {(LatencyAt == "arrival" ? "arrival in the subscriber's socket" : "read by the tool")})
          published       {Published:N0} acked, {Unacked:N0} unanswered
          delivered       {Delivered:N0} of {Expected:N0} expected, missing {Missing:N0}
          offsets         gaps {Gaps:N0}  duplicates {Duplicates:N0}  out-of-order {OutOfOrder:N0}
          errors          {Errors:N0} {string.Join(", ", ErrorCodes.Select(e => $"{e.Key}={e.Value}"))}
          disconnects     {Disconnects:N0} {string.Join("; ", DisconnectReasons)}
          server RSS      {(ServerRssBytes is { } rss ? $"{rss / 1048576.0:F1} MiB" : "n/a (no --server-pid)")}
          CPU (cores)     broker {(ServerCpuCores is { } c ? $"{c:F2}" : "n/a")}  load tool {ToolCpuCores:F2}  of {Environment.ProcessorCount}, 1-min load average {LoadAverage:F1}
          per broker CPU  {(DeliveriesPerBrokerCpuSecond is { } d ? $"{d:N0} deliveries per CPU-second" : "n/a")}
          result          {(Clean ? "clean" : "FAILED")}
        """;
}
