using System.Net.WebSockets;
using Broker.Testing;

namespace Broker.Cluster.Tests.Chaos;

/// <summary>
/// One subscriber of the chaos topic on one node, recording every offset delivered to it. It is owed every publish
/// acked with a sequence number above <see cref="OwedAfter"/> (sent after its subscribe was acked) for as long as its
/// connection stays open; a subscriber whose node died or left is owed nothing after that.
/// </summary>
public sealed class ChaosSubscriber : IAsyncDisposable
{
    private readonly BrokerClient _client;
    private readonly List<long> _offsets = [];
    private readonly Task _reading;

    private ChaosSubscriber(BrokerClient client, int node, long owedAfter)
    {
        _client = client;
        Node = node;
        OwedAfter = owedAfter;
        _reading = Task.Run(ReadAsync);
    }

    public int Node { get; }

    public long OwedAfter { get; }

    /// <summary>Open until the end of the run (checked once the load stopped).</summary>
    public bool StayedConnected => !_client.Closed.IsCompleted;

    /// <summary>The close code the node sent, null while open or when the connection dropped without one.</summary>
    public WebSocketCloseStatus? CloseStatus => _client.Closed.IsCompleted ? _client.Closed.Result : null;

    public IReadOnlyList<long> Offsets
    {
        get
        {
            lock (_offsets) return [.. _offsets];
        }
    }

    public static async Task<ChaosSubscriber> StartAsync(TestCluster cluster, int node, string topic, ChaosPublisher publisher)
    {
        var client = await BrokerClient.ConnectAsync(cluster.Nodes[node].WebSocketUri);
        await client.SubscribeAsync(topic);
        return new ChaosSubscriber(client, node, publisher.Sequence);
    }

    public async ValueTask DisposeAsync()
    {
        await _client.DisposeAsync();
        await _reading;
    }

    private async Task ReadAsync()
    {
        try
        {
            while (true)
            {
                var message = await _client.NextMessageAsync(TimeSpan.FromDays(1));
                lock (_offsets) _offsets.Add(message.GetProperty("offset").GetInt64());
            }
        }
        catch (WebSocketException)
        {
            // Closed: by the node (1001 when it left, none when it died) or by DisposeAsync.
        }
    }
}
