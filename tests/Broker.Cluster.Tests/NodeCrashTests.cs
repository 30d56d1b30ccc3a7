using System.Net;
using System.Text.Json;
using Broker.Testing;

namespace Broker.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class NodeCrashTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Sigkill_NodeWithAJsClient_ClientReconnectsToAnotherNodeAndTheRestKeepServing()
    {
        var cluster = fixture.Cluster;
        var doomed = await cluster.JoinExtraNodeAsync();
        var doomedAddress = (await cluster.NodesAsync(doomed)).Self;
        var topic = Topics.Fresh("failover");
        // First connection to the doomed node; the reconnect goes to node 0 (as a load balancer would route it).
        await using var client = FailoverClient.Start(topic, doomed.WebSocketUri, cluster.Nodes[0].WebSocketUri);
        await client.WaitForAsync(e => FailoverClient.Is(e, "subscribed"), Bound, "subscribed");
        await PublishUntilReceivedAsync(cluster, client, topic, "before");

        doomed.Kill();

        await client.WaitForAsync(e => FailoverClient.Is(e, "state") && e.GetProperty("state").GetString() == "reconnecting",
            Bound, "reconnecting after the kill");
        await client.WaitForAsync(e => FailoverClient.Is(e, "connecting")
                                       && e.GetProperty("url").GetString() == cluster.Nodes[0].WebSocketUri.ToString(),
            Bound, "reconnecting to node 0");
        await client.WaitForAsync(e => FailoverClient.Is(e, "state") && e.GetProperty("state").GetString() == "open",
            Bound, "open again");
        // The client re-subscribes on its own after reconnecting; publish until a message shows it arrived.
        await PublishUntilReceivedAsync(cluster, client, topic, "after");

        // The split-brain resolver downs the unreachable node (the three others are the majority); it leaves the list.
        await Eventually.TrueAsync(async () =>
        {
            var lists = await Task.WhenAll(cluster.Nodes.Select(cluster.NodesAsync));
            return lists.All(l => l.Members.All(m => m.Address != doomedAddress));
        }, Bound, "the killed node downed and removed on every remaining node");
        await cluster.WaitUntilAllUpAsync(cluster.Nodes);
    }

    // Over HTTP on node 1, so the publish never depends on the node the client is connected to.
    private static async Task PublishUntilReceivedAsync(TestCluster cluster, FailoverClient client, string topic, string marker)
    {
        var deadline = DateTime.UtcNow + Bound;
        for (var attempt = 0; ; attempt++)
        {
            using (var response = await cluster.PublishOverHttpAsync(cluster.Nodes[1], topic,
                       $"{{\"marker\":\"{marker}\",\"attempt\":{attempt}}}"))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            try
            {
                await client.WaitForAsync(e => FailoverClient.Is(e, "message") && Marker(e) == marker,
                    TimeSpan.FromSeconds(2), $"message {marker}");
                return;
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
                // Not re-subscribed yet: that publish went nowhere for this client; try another.
            }
        }
    }

    private static string? Marker(JsonElement e) =>
        e.GetProperty("data").TryGetProperty("marker", out var marker) ? marker.GetString() : null;
}
