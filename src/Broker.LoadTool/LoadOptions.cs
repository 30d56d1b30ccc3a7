using System.Globalization;
using Broker.Sockets;

namespace Broker.LoadTool;

/// <summary>Command-line options; every run is bounded in time and connection count.</summary>
internal sealed record LoadOptions
{
    public const string Usage = """
        usage: Broker.LoadTool [options]
          --url URL            broker WebSocket endpoint (default ws://127.0.0.1:8080/ws); publishers connect here
          --sub-url URL        where subscribers connect (default: --url), e.g. another node of a cluster
          --subscribers N      subscriber connections (default 1000)
          --publishers M       publisher connections (default 1)
          --topics T           topics load.0 .. load.<T-1>; subscribers and publishers spread round-robin (default 1)
          --size BYTES         size of each publish's data value, at least 48 (default 100)
          --rate R             publishes per second across all publishers; 0 = as fast as acks allow (default 0)
          --window W           most unacknowledged publishes per publisher (default 256)
          --max-lag L          rate 0 only: a publisher waits while a topic's probe subscriber is L messages behind (default 100)
          --duration S         measured seconds (default 10)
          --warmup S           seconds before measuring (default 3)
          --idle N             instead: open N idle subscribed connections, hold them --duration seconds, report memory
          --no-subscribe       with --idle: only open the connections (the cost of a connection without a subscription)
          --idle-warmup W      with --idle: first open W connections the same way and close them, then sample RSS "before":
                               code compiled and assemblies loaded once per process are not counted per connection (default 0)
          --server-pid PID,... the broker's process(es): RSS and CPU from /proc, summed (e.g. both nodes of a cluster)
          --connect-parallel P connections opened at once (default 64)
          --source-addresses K spread connections over K loopback source addresses 127.0.0.1..127.0.0.K, each with its own
                               ephemeral ports (default 1; more than ~28,000 connections to one port need K > 1)
          --async-reads        subscribers read with .NET's asynchronous receives, not the tool's epoll thread (Linux x64)
                               (compares the tool's own cost; elsewhere they always do)
          --latency-at WHERE   read (default): a delivery's latency ends when the tool reads it; arrival: when the kernel
                               put it in the subscriber's socket (SO_TIMESTAMPNS; needs the epoll reader), so the tool's
                               own queueing is left out
          --json               print the summary as one JSON object
          --report PATH        also write PATH.json (summary + per-second timeline) and PATH.svg (latency and throughput chart)
        usage: Broker.LoadTool --sweep-chart OUT.svg RUN.json...   latency vs throughput across runs (measure.sh --sweep)
               Broker.LoadTool --run-chart OUT.svg RUN.json          redraw one run's chart from its JSON
        exit status: 0 clean run, 1 gaps, losses, errors or disconnects, 2 bad options
        """;

    public Uri Url { get; init; } = new("ws://127.0.0.1:8080/ws");

    public Uri? SubscriberUrl { get; init; }

    public int Subscribers { get; init; } = 1000;

    public int Publishers { get; init; } = 1;

    public int Topics { get; init; } = 1;

    public int Size { get; init; } = 100;

    public double Rate { get; init; }

    public int Window { get; init; } = 256;

    public long MaxLag { get; init; } = 100;

    public double Duration { get; init; } = 10;

    public double Warmup { get; init; } = 3;

    public int Idle { get; init; }

    public bool NoSubscribe { get; init; }

    /// <summary>With --idle: connections opened and closed before the "before" RSS sample (one-time costs paid).</summary>
    public int IdleWarmup { get; init; }

    public IReadOnlyList<int> ServerPids { get; init; } = [];

    public int ConnectParallel { get; init; } = 64;

    /// <summary>Loopback source addresses (127.0.0.1 up to 127.0.0.K) the connections are spread over.</summary>
    public int SourceAddresses { get; init; } = 1;

    /// <summary>Subscribers read with .NET's asynchronous receives even where the epoll thread is there.</summary>
    public bool AsyncReads { get; init; }

    /// <summary>Where subscribers read: the process's epoll set, or null for asynchronous receives.</summary>
    public EpollReadiness? SubscriberEpoll => AsyncReads ? null : EpollReadiness.Shared;

    /// <summary>Latency ends at the kernel's arrival stamp instead of the tool's read.</summary>
    public bool LatencyAtArrival { get; init; }

    public bool Json { get; init; }

    /// <summary>Path prefix for the run's JSON and SVG report; null = none.</summary>
    public string? Report { get; init; }

    /// <summary>Parses the arguments; throws <see cref="ArgumentException"/> with the reason on bad input.</summary>
    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var options = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value");
            options = name switch
            {
                "--url" => options with { Url = WebSocketUrl(name, Value()) },
                "--sub-url" => options with { SubscriberUrl = WebSocketUrl(name, Value()) },
                "--subscribers" => options with { Subscribers = Int(name, Value(), 0) },
                "--publishers" => options with { Publishers = Int(name, Value(), 1) },
                "--topics" => options with { Topics = Int(name, Value(), 1) },
                "--size" => options with { Size = Int(name, Value(), 48) },
                "--rate" => options with { Rate = Number(name, Value()) },
                "--window" => options with { Window = Int(name, Value(), 1) },
                "--max-lag" => options with { MaxLag = Int(name, Value(), 1) },
                "--duration" => options with { Duration = Number(name, Value()) },
                "--warmup" => options with { Warmup = Number(name, Value()) },
                "--idle" => options with { Idle = Int(name, Value(), 1) },
                "--no-subscribe" => options with { NoSubscribe = true },
                "--idle-warmup" => options with { IdleWarmup = Int(name, Value(), 0) },
                "--server-pid" => options with { ServerPids = Value().Split(',').Select(pid => Int(name, pid, 1)).ToArray() },
                "--connect-parallel" => options with { ConnectParallel = Int(name, Value(), 1) },
                "--source-addresses" => options with
                {
                    SourceAddresses = Int(name, Value(), 1) is var count and <= 254
                        ? count
                        : throw new ArgumentException($"{name} must be at most 254 (127.0.0.1 to 127.0.0.254)"),
                },
                "--async-reads" => options with { AsyncReads = true },
                "--latency-at" => options with
                {
                    LatencyAtArrival = Value() switch
                    {
                        "read" => false,
                        "arrival" => true,
                        var other => throw new ArgumentException($"{name} must be read or arrival, not {other}"),
                    },
                },
                "--json" => options with { Json = true },
                "--report" => options with { Report = Value() },
                _ => throw new ArgumentException($"unknown option {name}"),
            };
        }
        if (options.LatencyAtArrival && options.SubscriberEpoll is null)
            throw new ArgumentException("--latency-at arrival needs the epoll reader (Linux x64, without --async-reads)");
        return options;
    }

    private static Uri WebSocketUrl(string name, string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme == "ws"
            ? url
            : throw new ArgumentException($"{name} must be a ws:// URL, not {text}");

    private static int Int(string name, string text, int min) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min
            ? value
            : throw new ArgumentException($"{name} must be an integer >= {min}, not {text}");

    private static double Number(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && value <= 86_400
            ? value
            : throw new ArgumentException($"{name} must be a number of 0 to 86400, not {text}");
}
