using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Broker.Testing;

namespace Broker.Cluster.Tests;

/// <summary>
/// A real redis-server and N broker processes forming one Akka cluster on free loopback ports: every node is a seed,
/// node 0 first (it forms the cluster), as in docker-compose.yml. Extra nodes can join and be killed by a test.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    public const string ApiKey = "cluster-tests";
    private static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(90);
    private const int StartAttempts = 3;

    private readonly List<BrokerProcess> _extras = [];
    private readonly string _seeds;

    private TestCluster(RedisServerProcess redis, IReadOnlyList<BrokerProcess> nodes, string seeds)
    {
        Redis = redis;
        Nodes = nodes;
        _seeds = seeds;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    public RedisServerProcess Redis { get; }

    public IReadOnlyList<BrokerProcess> Nodes { get; }

    /// <summary>Sends the API key on every request (POST /api/publish needs it).</summary>
    public HttpClient Http { get; }

    /// <summary>
    /// Test-friendly settings, set the way an operator would (environment): an API key, history of 1,000 messages per
    /// topic, a short topic TTL so released
    /// Redis channels are observable quickly, and a short split-brain-resolver stability window so a crashed node is
    /// downed within seconds (the default 15 s only makes the tests slower).
    /// </summary>
    private static Dictionary<string, string> Environment() => new()
    {
        ["BROKER__HTTP__API_KEY"] = ApiKey,
        ["BROKER__PUBSUB__TOPIC_IDLE_TTL"] = "200ms",
        ["AKKA__CLUSTER__SPLIT_BRAIN_RESOLVER__STABLE_AFTER"] = "2s",
        // Room for the recovery tests' reconnect schedules without history trimming what a client missed.
        ["BROKER__NAMESPACES__DEFAULT__HISTORY__SIZE"] = "1000",
    };

    public static async Task<TestCluster> StartAsync(int nodes)
    {
        var redis = RedisServerProcess.Start();
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                // Free ports can be taken by another process before a node binds them; a failed start retries anew.
                var ports = Enumerable.Range(0, nodes).Select(_ => FreePort.Next()).ToArray();
                var seeds = string.Join(',', ports.Select(p => $"127.0.0.1:{p}"));
                var starting = ports.Select(port => BrokerProcess.StartAsync(Args(redis, port, seeds), Environment())).ToArray();
                try
                {
                    var started = await Task.WhenAll(starting);
                    var cluster = new TestCluster(redis, started, seeds);
                    await cluster.WaitUntilAllUpAsync(started);
                    return cluster;
                }
                catch (Exception e)
                {
                    // Let every start settle, then stop whatever did start: no broker outlives a failed fixture.
                    await Task.WhenAll(starting.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
                    foreach (var node in starting.Where(t => t.IsCompletedSuccessfully)) await node.Result.DisposeAsync();
                    // A node that could not start (e.g. its port was taken) is worth another try; a cluster that did
                    // not form in time is a failure, not bad luck.
                    if (attempt >= StartAttempts || e is TimeoutException) throw;
                }
            }
        }
        catch
        {
            redis.Dispose();
            throw;
        }
    }

    /// <summary>Starts one more node that joins through the same seeds; disposed with the cluster.</summary>
    public async Task<BrokerProcess> JoinExtraNodeAsync()
    {
        var node = await BrokerProcess.StartAsync(Args(Redis, FreePort.Next(), _seeds), Environment());
        _extras.Add(node);
        await WaitUntilAllUpAsync([.. Nodes, node]);
        return node;
    }

    /// <summary>Every given node lists every given node as Up.</summary>
    public async Task WaitUntilAllUpAsync(IReadOnlyList<BrokerProcess> nodes)
    {
        await Eventually.TrueAsync(async () =>
        {
            var lists = await Task.WhenAll(nodes.Select(NodesAsync));
            var selves = lists.Select(l => l.Self).ToArray();
            return lists.All(list => selves.All(self =>
                list.Members.Any(m => m.Address == self && m.Status == "Up")));
        }, FormationTimeout, $"{nodes.Count} nodes Up on every node");
    }

    public async Task<NodeListBody> NodesAsync(BrokerProcess node)
    {
        var body = await Http.GetFromJsonAsync<NodeListBody>(new Uri(node.HttpUri, "/api/nodes"), Json.Options);
        return body ?? throw new InvalidOperationException("empty /api/nodes body");
    }

    /// <summary>POST /api/publish with raw JSON data; returns the response (offset body on 200).</summary>
    public Task<HttpResponseMessage> PublishOverHttpAsync(BrokerProcess node, string topic, string dataJson)
    {
        var body = $"{{\"topic\":{JsonSerializer.Serialize(topic)},\"data\":{dataJson}}}";
        return Http.PostAsync(new Uri(node.HttpUri, "/api/publish"),
            new StringContent(body, Encoding.UTF8, "application/json"));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Task.WhenAll(Nodes.Concat(_extras).Select(n => n.DisposeAsync().AsTask()));
        Redis.Dispose();
    }

    private static string[] Args(RedisServerProcess redis, int clusterPort, string seeds) =>
        ["--redis", redis.Endpoint, "--cluster-host", "127.0.0.1", "--cluster-port", clusterPort.ToString(), "--seeds", seeds];
}
