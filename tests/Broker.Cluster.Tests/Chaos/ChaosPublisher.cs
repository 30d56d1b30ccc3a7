using System.Collections.Concurrent;
using System.Net.WebSockets;
using Broker.Testing;

namespace Broker.Cluster.Tests.Chaos;

/// <summary>
/// Steady load for the chaos suite: one WebSocket publisher at a fixed pace on one topic. Every publish gets a sequence
/// number when it is sent and ends acked (with its offset), refused (an error reply), or lost with its connection; a lost
/// connection fails over to the next node. The test can move it off a node before pausing that node.
/// </summary>
public sealed class ChaosPublisher : IAsyncDisposable
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(3);

    private readonly TestCluster _cluster;
    private readonly string _topic;
    private readonly TimeSpan _pace;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(long Seq, long Offset)> _acked = new();
    private readonly ConcurrentDictionary<string, int> _errors = new();
    private readonly Task _loop;
    private long _sequence;
    private volatile int _node;

    public ChaosPublisher(TestCluster cluster, string topic, int ratePerSecond)
    {
        _cluster = cluster;
        _topic = topic;
        _pace = TimeSpan.FromSeconds(1.0 / ratePerSecond);
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Sequence number of the last publish sent: publishes sent later have a greater one.</summary>
    public long Sequence => Interlocked.Read(ref _sequence);

    public IReadOnlyCollection<(long Seq, long Offset)> Acked => _acked;

    /// <summary>Publishes not acked, by reason (an error code, or "connection" when the connection was lost).</summary>
    public IReadOnlyDictionary<string, int> Errors => _errors;

    /// <summary>Publish through node <paramref name="index"/> from the next publish on.</summary>
    public void MoveTo(int index) => _node = index;

    /// <summary>Waits until a publish sent after this call was acked.</summary>
    public Task AckedAgainAsync(TimeSpan timeout)
    {
        var after = Sequence;
        return Eventually.TrueAsync(() => _acked.Any(a => a.Seq > after), timeout, $"a publish after #{after} acked");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        BrokerClient? client = null;
        var connectedTo = -1;
        while (!_stop.IsCancellationRequested)
        {
            var node = _node;
            if (client is null || connectedTo != node)
            {
                if (client is not null) await client.DisposeAsync();
                client = await TryConnectAsync(node);
                connectedTo = node;
                if (client is null)
                {
                    _node = (node + 1) % _cluster.Nodes.Count; // down or frozen: try the next node
                    await Task.Delay(_pace);
                    continue;
                }
            }

            var seq = Interlocked.Increment(ref _sequence);
            try
            {
                _acked.Enqueue((seq, await client.PublishAsync(_topic, $"{{\"seq\":{seq}}}")));
            }
            catch (BrokerErrorException e)
            {
                _errors.AddOrUpdate(e.Code, 1, (_, n) => n + 1);
            }
            catch (Exception e) when (e is WebSocketException or TimeoutException or InvalidOperationException)
            {
                // The node died or froze under this publish: it may or may not have been applied; never acked.
                _errors.AddOrUpdate("connection", 1, (_, n) => n + 1);
                await client.DisposeAsync();
                client = null;
                if (_node == node) _node = (node + 1) % _cluster.Nodes.Count;
            }
            await Task.Delay(_pace);
        }
        if (client is not null) await client.DisposeAsync();
    }

    private async Task<BrokerClient?> TryConnectAsync(int node)
    {
        try
        {
            return await BrokerClient.ConnectAsync(_cluster.Nodes[node].WebSocketUri, ConnectTimeout);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or HttpRequestException)
        {
            return null;
        }
    }
}
