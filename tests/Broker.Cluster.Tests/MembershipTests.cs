using System.Net.WebSockets;
using Broker.Testing;

namespace Broker.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class MembershipTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ApiNodes_ThreeNodeCluster_EveryNodeListsEveryMemberUpAndMarksItself()
    {
        var cluster = fixture.Cluster;
        var lists = await Task.WhenAll(cluster.Nodes.Select(cluster.NodesAsync));
        var selves = lists.Select(l => l.Self).ToArray();

        Assert.Equal(3, selves.Distinct().Count());
        Assert.All(selves, self => Assert.StartsWith("akka.tcp://broker@127.0.0.1:", self));
        foreach (var list in lists)
        {
            Assert.Equal("cluster", list.Mode);
            Assert.All(selves, self => Assert.Contains(list.Members, m => m.Address == self && m is { Status: "Up", Reachable: true }));
            Assert.Equal(list.Self, Assert.Single(list.Members, m => m.Self).Address);
            Assert.Contains(list.Leader, selves);
        }
    }

    [Fact]
    public async Task Sigterm_NodeWithClients_ClosesThemWith1001ThenLeavesTheClusterAndExits()
    {
        var cluster = fixture.Cluster;
        var leaving = await cluster.JoinExtraNodeAsync();
        var address = (await cluster.NodesAsync(leaving)).Self;
        await using var client = await BrokerClient.ConnectAsync(leaving.WebSocketUri);
        await client.SubscribeAsync(Topics.Fresh("leaving"));

        leaving.Terminate();

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, await client.Closed.WaitAsync(Bound));
        Assert.Equal(0, await leaving.WaitForExitAsync(Bound));
        // A graceful leave removes the member at once (no failure detector, no split-brain resolver involved).
        await Eventually.TrueAsync(async () =>
        {
            var lists = await Task.WhenAll(cluster.Nodes.Select(cluster.NodesAsync));
            return lists.All(l => l.Members.All(m => m.Address != address));
        }, Bound, "the leaving node removed on every remaining node");
        var log = leaving.Log;
        var closing = log.IndexOf("closing every connection with 1001", StringComparison.OrdinalIgnoreCase);
        var left = log.IndexOf("Leaving", closing + 1, StringComparison.Ordinal);
        Assert.True(closing >= 0 && left > closing, $"expected 1001 before leaving the cluster:\n{log}");
    }
}
