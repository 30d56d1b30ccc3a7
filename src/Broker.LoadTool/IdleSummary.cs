namespace Broker.LoadTool;

/// <summary>The outcome of an idle run (memory per idle subscribed connection); serialized as is for --json.</summary>
internal sealed record IdleSummary
{
    public required string Url { get; init; }
    public required int Connections { get; init; }
    public required int Topics { get; init; }

    /// <summary>Connections opened and closed before the "before" sample (--idle-warmup); 0 = a cold node.</summary>
    public int WarmupConnections { get; init; }
    public required double HeldSeconds { get; init; }

    /// <summary>Seconds from the first connect until every connection was open (and subscribed), --connect-parallel at once.</summary>
    public required double OpenSeconds { get; init; }

    /// <summary>Handshakes (with their subscribe) completed per second while opening.</summary>
    public double OpenedPerSecond => Connections / OpenSeconds;
    public required long Disconnects { get; init; }
    public required IReadOnlyList<string> DisconnectReasons { get; init; }
    public long? ServerRssBeforeBytes { get; init; }
    public long? ServerRssOpenBytes { get; init; }
    public long? ServerRssEndBytes { get; init; }
    public double? LoadAverage { get; init; }

    /// <summary>(RSS at the end of the hold − RSS before connecting) / connections.</summary>
    public double? BytesPerConnection => ServerRssBeforeBytes is { } before && ServerRssEndBytes is { } end
        ? (end - before) / (double)Connections
        : null;

    public bool Clean => Disconnects == 0;

    public string ToText() => $"""
        idle: {Connections:N0} connections{(Topics > 0 ? $" subscribed over {Topics} topic(s)" : ", not subscribed")}, held {HeldSeconds:F0} s
          opened          in {OpenSeconds:F1} s: {OpenedPerSecond:N0} handshakes{(Topics > 0 ? " + subscribes" : "")} per second
          server RSS      before {Mib(ServerRssBeforeBytes)}{(WarmupConnections > 0 ? $" (after {WarmupConnections:N0} warm-up connections)" : " (cold node)")}  all open {Mib(ServerRssOpenBytes)}  end of hold {Mib(ServerRssEndBytes)}
          per connection  {(BytesPerConnection is { } b ? $"{b / 1024:F2} KiB" : "n/a (no --server-pid)")}
          disconnects     {Disconnects:N0} {string.Join("; ", DisconnectReasons)}
          load average    {LoadAverage:F1} (1 min, {Environment.ProcessorCount} cores)
          result          {(Clean ? "clean" : "FAILED")}
        """;

    private static string Mib(long? bytes) => bytes is { } b ? $"{b / 1048576.0:F1} MiB" : "n/a";
}
