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

    /// <summary>The nodes' HMAC secret: tests sign tokens with it (<see cref="HmacTokens"/>).</summary>
    public const string TokenSecret = "cluster-tests-hmac-secret-0123456789abcdef";
    private static readonly TimeSpan FormationTimeout = TimeSpan.FromSeconds(90);
    private const int StartAttempts = 3;

    private readonly List<BrokerProcess> _extras = [];
    private readonly List<BrokerProcess> _replaced = [];
    private readonly BrokerProcess[] _nodes;
    private readonly int[] _clusterPorts;
    private readonly string _seeds;
    private readonly Dictionary<string, string> _environment;

    private TestCluster(RedisServerProcess redis, BrokerProcess[] nodes, int[] clusterPorts, string seeds,
        Dictionary<string, string> environment)
    {
        Redis = redis;
        _nodes = nodes;
        _clusterPorts = clusterPorts;
        _seeds = seeds;
        _environment = environment;
        Http = new HttpClient { Timeout = TimeSpan.FromSeconds(15) };
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ApiKey);
    }

    public RedisServerProcess Redis { get; }

    /// <summary>The seed nodes, node 0 first; <see cref="RestartNodeAsync"/> replaces an entry with the new process.</summary>
    public IReadOnlyList<BrokerProcess> Nodes => _nodes;

    /// <summary>Sends the API key on every request (POST /api/publish and the admin API need it).</summary>
    public HttpClient Http { get; }

    /// <summary>
    /// Test-friendly settings, set the way an operator would (environment): an API key, history of 1,000 messages per
    /// topic, a short topic TTL so released
    /// Redis channels are observable quickly, and a short split-brain-resolver stability window so a crashed node is
    /// downed within seconds (the default 15 s only makes the tests slower).
    /// </summary>
    private static Dictionary<string, string> TestEnvironment() => new()
    {
        ["BROKER__HTTP__API_KEY"] = ApiKey,
        // The same key guards the admin API (/api/nodes, user operations), so one bearer header serves every request.
        ["BROKER__HTTP__ADMIN_KEY"] = ApiKey,
        ["BROKER__AUTH__JWT__HMAC_SECRET"] = TokenSecret,
        ["BROKER__PUBSUB__TOPIC_IDLE_TTL"] = "200ms",
        ["AKKA__CLUSTER__SPLIT_BRAIN_RESOLVER__STABLE_AFTER"] = "2s",
        // Room for the recovery tests' reconnect schedules without history trimming what a client missed.
        ["BROKER__NAMESPACES__DEFAULT__HISTORY__SIZE"] = "1000",
        // Scaled down with stable-after (15 s -> 2 s): the lease outlasts the losing side's attempt, then frees up.
        ["AKKA__CLUSTER__SPLIT_BRAIN_RESOLVER__LEASE_MAJORITY__RELEASE_AFTER"] = "6s",
        // Scaled down with stable-after too: a crashed node is removed within seconds, so a restarted incarnation that
        // is still not a member after 20 s starts again rather than waiting out the default 40 s.
        ["AKKA__CLUSTER__SHUTDOWN_AFTER_UNSUCCESSFUL_JOIN_SEED_NODES"] = "20s",
        // Presence and join-leave on for rooms.> (PresenceClusterTests); entries of a killed node expire in 3 s, not 30.
        ["BROKER__NAMESPACES__ROOMS__TOPICS"] = "rooms.>",
        ["BROKER__NAMESPACES__ROOMS__PRESENCE"] = "on",
        ["BROKER__NAMESPACES__ROOMS__JOIN_LEAVE"] = "on",
        ["BROKER__REDIS__PRESENCE_TTL"] = "3s",
    };

    // The test settings with a test's own settings on top.
    private static Dictionary<string, string> Environment(IReadOnlyDictionary<string, string>? extra = null)
    {
        var environment = TestEnvironment();
        foreach (var (name, value) in extra ?? new Dictionary<string, string>()) environment[name] = value;
        return environment;
    }

    /// <summary>The split-brain resolver's lease key (hocon/cluster.hocon, default key prefix).</summary>
    public const string LeaseKey = "broker:lease:broker-akka-sbr";

    /// <summary>No node holds the resolver's lease: the last decision released it (release-after) or its holder's key expired.</summary>
    public async Task WaitUntilLeaseFreeAsync()
    {
        using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(Redis.Endpoint);
        await Eventually.TrueAsync(async () => !await redis.GetDatabase().KeyExistsAsync(LeaseKey), FormationTimeout,
            "the split-brain resolver's lease free");
    }

    /// <summary>Starts the cluster; <paramref name="environment"/> adds settings every node gets (e.g. broker.cluster.tls).</summary>
    public static async Task<TestCluster> StartAsync(int nodes, IReadOnlyDictionary<string, string>? environment = null)
    {
        var redis = RedisServerProcess.Start();
        var settings = Environment(environment);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                // Free ports can be taken by another process before a node binds them; a failed start retries anew.
                var ports = Enumerable.Range(0, nodes).Select(_ => FreePort.Next()).ToArray();
                var seeds = string.Join(',', ports.Select(p => $"127.0.0.1:{p}"));
                var starting = ports.Select(port => BrokerProcess.StartAsync(Args(redis, port, seeds), settings)).ToArray();
                try
                {
                    var started = await Task.WhenAll(starting);
                    var cluster = new TestCluster(redis, started, ports, seeds, settings);
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
        var node = await BrokerProcess.StartAsync(Args(Redis, FreePort.Next(), _seeds), _environment);
        _extras.Add(node);
        await WaitUntilAllUpAsync([.. Nodes, node]);
        return node;
    }

    /// <summary>
    /// Starts a node that tries to join through the same seeds with the test settings plus <paramref name="environment"/>
    /// only (not the cluster's own extra settings); returns once it listens, without waiting for it to join.
    /// </summary>
    public async Task<BrokerProcess> StartOutsiderAsync(IReadOnlyDictionary<string, string> environment)
    {
        var node = await BrokerProcess.StartAsync(Args(Redis, FreePort.Next(), _seeds), Environment(environment));
        _extras.Add(node);
        return node;
    }

    /// <summary>
    /// Starts seed node <paramref name="index"/> again on its cluster port after it was killed (a crash and an orchestrator
    /// restart): the new incarnation joins through the seeds. Returns once every node lists every node as Up.
    /// </summary>
    public async Task<BrokerProcess> RestartNodeAsync(int index)
    {
        var old = _nodes[index];
        old.Kill();
        _replaced.Add(old);
        // The killed node's cluster port may take a moment to be free again; a failed start retries on the same port.
        var deadline = DateTime.UtcNow + FormationTimeout;
        while (true)
        {
            try
            {
                _nodes[index] = await BrokerProcess.StartAsync(Args(Redis, _clusterPorts[index], SeedsFor(index)), _environment);
                break;
            }
            catch (Exception) when (DateTime.UtcNow < deadline)
            {
            }
        }
        await WaitUntilAllUpAsync(_nodes);
        return _nodes[index];
    }

    // A restarted node lists the others first, as an operator restarting a node of a running cluster should: the first
    // seed forms a new cluster by itself when no other seed answers within seed-node-timeout (5 s), which a loaded
    // machine can miss, leaving it an island (docs/architecture.md, "A node crashes").
    private string SeedsFor(int index)
    {
        var seeds = _seeds.Split(',');
        return string.Join(',', seeds.Where((_, i) => i != index).Append(seeds[index]));
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

    /// <summary>Converged: every node lists exactly the given nodes, each Up and reachable (no downed or stale incarnation).</summary>
    public async Task WaitUntilConvergedAsync(IReadOnlyList<BrokerProcess> nodes)
    {
        await Eventually.TrueAsync(async () =>
        {
            var lists = await Task.WhenAll(nodes.Select(NodesAsync));
            var selves = lists.Select(l => l.Self).Order().ToArray();
            return lists.All(list => list.Members.Count == nodes.Count
                                     && list.Members.All(m => m is { Status: "Up", Reachable: true })
                                     && list.Members.Select(m => m.Address).Order().SequenceEqual(selves));
        }, FormationTimeout, $"{nodes.Count} nodes converged (all Up and reachable on every node)");
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
        await Task.WhenAll(_nodes.Concat(_extras).Concat(_replaced).Select(n => n.DisposeAsync().AsTask()));
        Redis.Dispose();
    }

    private static string[] Args(RedisServerProcess redis, int clusterPort, string seeds) =>
        ["--redis", redis.Endpoint, "--cluster-host", "127.0.0.1", "--cluster-port", clusterPort.ToString(), "--seeds", seeds];
}
