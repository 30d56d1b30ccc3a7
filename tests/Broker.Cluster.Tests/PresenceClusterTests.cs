using Broker.Testing;

namespace Broker.Cluster.Tests;

/// <summary>
/// Presence across nodes (docs/protocol.md "Presence"): the rooms.&gt; namespace has presence and join-leave on and
/// presence-ttl = 3 s (<see cref="TestCluster"/>).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PresenceClusterTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private static string Room() => $"rooms.r{Guid.NewGuid():N}";

    [Fact]
    public async Task Presence_ClientsOnThreeNodes_EveryNodeListsAllWithUsersAndStats()
    {
        var cluster = fixture.Cluster;
        var room = Room();
        var clients = new List<BrokerClient>();
        try
        {
            foreach (var (node, user) in new[] { (0, "ann"), (1, "ann"), (2, "bo"), (2, (string?)null) })
            {
                var client = await BrokerClient.ConnectAsync(cluster.Nodes[node].WebSocketUri);
                if (user is not null)
                    await client.AuthenticateAsync(HmacTokens.For(TestCluster.TokenSecret, user));
                await client.SubscribeAsync(room);
                clients.Add(client);
            }

            foreach (var node in cluster.Nodes)
            {
                await using var observer = await BrokerClient.ConnectAsync(node.WebSocketUri);
                var presence = await observer.PresenceAsync(room);
                Assert.Equal(4, presence.Select(p => p.Client).Distinct().Count());
                Assert.Equal(["(none)", "ann", "ann", "bo"], presence.Select(p => p.User ?? "(none)").Order());
                Assert.Equal((4L, 2L), await observer.PresenceStatsAsync(room));
            }
        }
        finally
        {
            foreach (var client in clients)
                await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task JoinLeave_ClientsOnOtherNodesComeAndGo_WatcherSeesEachClientsEventsInOrder()
    {
        var cluster = fixture.Cluster;
        var room = Room();
        await using var watcher = await BrokerClient.ConnectAsync(cluster.Nodes[0].WebSocketUri);
        await watcher.SubscribeAsync(room);
        await using var one = await BrokerClient.ConnectAsync(cluster.Nodes[1].WebSocketUri);
        await using var two = await BrokerClient.ConnectAsync(cluster.Nodes[2].WebSocketUri);

        // Interleaved on two nodes: join(1) join(2) leave(1) join(1) leave(2) leave(1).
        await one.SubscribeAsync(room);
        await two.SubscribeAsync(room);
        await one.UnsubscribeAsync(room);
        await one.SubscribeAsync(room);
        await two.UnsubscribeAsync(room);
        await one.UnsubscribeAsync(room);

        var events = new List<(string Type, string Client)>();
        for (var i = 0; i < 6; i++)
        {
            var e = await watcher.NextPresenceEventAsync(Bound);
            Assert.Equal(room, e.GetProperty("topic").GetString());
            events.Add((e.GetProperty("type").GetString()!, e.GetProperty("client").GetString()!));
        }
        // Joins and leaves go to Redis without waiting (docs/architecture.md "Presence"), so two nodes' events may
        // reach it in either order; one client's come from one connection in order, and so reach the watcher.
        var byClient = events.GroupBy(e => e.Client).Select(g => g.Select(e => e.Type).ToArray())
            .OrderBy(types => types.Length).ToArray();
        Assert.Equal(2, byClient.Length);
        Assert.Equal(["join", "leave"], byClient[0]);
        Assert.Equal(["join", "leave", "join", "leave"], byClient[1]);
        await using var observer = await BrokerClient.ConnectAsync(cluster.Nodes[2].WebSocketUri);
        Assert.Equal((1L, 0L), await observer.PresenceStatsAsync(room)); // the watcher itself
    }

    [Fact]
    public async Task Sigkill_NodeWithClientsInARoom_TheyLeavePresenceAndWatchersGetTheirLeave()
    {
        var cluster = fixture.Cluster;
        var room = Room();
        var doomed = await cluster.JoinExtraNodeAsync();
        var doomedAddress = (await cluster.NodesAsync(doomed)).Self;
        await using var watcher = await BrokerClient.ConnectAsync(cluster.Nodes[0].WebSocketUri);
        await watcher.SubscribeAsync(room);
        await using var stayer = await BrokerClient.ConnectAsync(cluster.Nodes[1].WebSocketUri);
        await stayer.AuthenticateAsync(HmacTokens.For(TestCluster.TokenSecret, "stays"));
        await stayer.SubscribeAsync(room);
        var doomedClients = new HashSet<string>();
        var victims = new List<BrokerClient>();
        try
        {
            foreach (var user in new[] { "gone", "gone" })
            {
                var victim = await BrokerClient.ConnectAsync(doomed.WebSocketUri);
                await victim.AuthenticateAsync(HmacTokens.For(TestCluster.TokenSecret, user));
                await victim.SubscribeAsync(room);
                victims.Add(victim);
            }
            var joins = new List<string>();
            for (var i = 0; i < 3; i++)
                joins.Add((await watcher.NextPresenceEventAsync(Bound)).GetProperty("client").GetString()!);
            doomedClients.UnionWith(joins.Skip(1));
            Assert.Equal((4L, 2L), await watcher.PresenceStatsAsync(room));

            doomed.Kill();

            var leaves = new HashSet<string>();
            while (leaves.Count < 2)
            {
                var e = await watcher.NextPresenceEventAsync(Bound);
                Assert.Equal(("leave", "gone"), (e.GetProperty("type").GetString(), e.GetProperty("user").GetString()));
                leaves.Add(e.GetProperty("client").GetString()!);
            }
            Assert.Equal(doomedClients, leaves);
            var presence = await stayer.PresenceAsync(room);
            Assert.Equal(["(none)", "stays"], presence.Select(p => p.User ?? "(none)").Order());
            Assert.Equal((2L, 1L), await stayer.PresenceStatsAsync(room));
        }
        finally
        {
            foreach (var victim in victims)
                await victim.DisposeAsync();
        }

        // The split-brain resolver downs the unreachable node; the shared cluster is whole again for the next test.
        await Eventually.TrueAsync(async () =>
        {
            var lists = await Task.WhenAll(cluster.Nodes.Select(cluster.NodesAsync));
            return lists.All(l => l.Members.All(m => m.Address != doomedAddress));
        }, Bound, "the killed node downed and removed on every remaining node");
    }
}
