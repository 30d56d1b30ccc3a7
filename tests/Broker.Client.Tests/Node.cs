using System.Globalization;
using System.Threading.Channels;
using Broker.Testing;

namespace Broker.Client.Tests;

/// <summary>Helpers around a real broker process for the client tests.</summary>
internal static class Node
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public static Task<BrokerProcess> StartAsync(params string[] args) => BrokerProcess.StartAsync(args);

    /// <summary>A node on a given port (a restart keeps its address, as behind a load balancer).</summary>
    public static Task<BrokerProcess> StartOnAsync(int port, params string[] args) =>
        BrokerProcess.StartAsync(["--port", port.ToString(CultureInfo.InvariantCulture), .. args]);

    public static BrokerClient Client(BrokerProcess node, BrokerClientOptions? options = null) =>
        new(node.WebSocketUri, options ?? new BrokerClientOptions());

    /// <summary>One series of the node's /metrics (0 when absent).</summary>
    public static async Task<double> MetricAsync(BrokerProcess node, string series)
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(node.HttpUri, "/metrics"));
        foreach (var line in text.Split('\n'))
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
        return 0;
    }

    /// <summary>Subscribers on <paramref name="topic"/> on the node (GET /api/topics; with the node's admin key, if it has one).</summary>
    public static async Task<int> SubscribersAsync(BrokerProcess node, string topic, string? adminKey = null)
    {
        using var http = new HttpClient();
        if (adminKey is not null)
            http.DefaultRequestHeaders.Authorization = new("Bearer", adminKey);
        using var list = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri(node.HttpUri, "/api/topics")));
        return list.RootElement.GetProperty("topics").EnumerateArray()
            .Where(t => t.GetProperty("topic").GetString() == topic)
            .Sum(t => t.GetProperty("subscribers").GetInt32());
    }

    /// <summary>Reads state changes until <paramref name="wanted"/> comes.</summary>
    public static async Task WaitForStateAsync(Channel<BrokerConnectionState> states, BrokerConnectionState wanted)
    {
        using var timeout = new CancellationTokenSource(Bound);
        while (await states.Reader.ReadAsync(timeout.Token) != wanted)
        {
        }
    }

    /// <summary>A client whose state changes are written to the returned channel.</summary>
    public static (BrokerClient, Channel<BrokerConnectionState>) Watched(Uri uri, BrokerClientOptions options)
    {
        var client = new BrokerClient(uri, options);
        var states = Channel.CreateUnbounded<BrokerConnectionState>();
        client.StateChanged += s => states.Writer.TryWrite(s);
        return (client, states);
    }

    /// <summary>Quick reconnects, so tests wait for the event they test, not the back-off.</summary>
    public static BrokerClientOptions FastReconnect() =>
        new() { ReconnectBaseDelay = TimeSpan.FromMilliseconds(100), ReconnectMaxDelay = TimeSpan.FromSeconds(1) };

    /// <summary>A HOCON file for <c>--config</c>.</summary>
    public static string WriteConfig(string hocon)
    {
        var path = Path.Combine(Path.GetTempPath(), $"broker-client-test-{Guid.NewGuid():N}.hocon");
        File.WriteAllText(path, hocon);
        return path;
    }
}
