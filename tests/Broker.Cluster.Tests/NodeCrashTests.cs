using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Broker.Testing;

namespace Broker.Cluster.Tests;

[Collection(ClusterCollection.Name)]
public sealed class NodeCrashTests(ClusterFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    // A non-seed (an extra node) and a seed (node 2, restarted afterwards so the shared cluster stays whole). Node 0, the
    // first seed, is killed and restarted by the chaos suite (Chaos/ChaosTests.cs), under load with the same checks.
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sigkill_NodeWithAJsClient_ClientFailsOverOffsetsKeepIncreasingAndNothingAckedIsLost(bool seed)
    {
        var cluster = fixture.Cluster;
        var doomed = seed ? cluster.Nodes[2] : await cluster.JoinExtraNodeAsync();
        var doomedAddress = (await cluster.NodesAsync(doomed)).Self;
        var topic = Topics.Fresh("failover");
        // First connection to the doomed node; the reconnect goes to node 0 (as a load balancer would route it).
        await using var client = FailoverClient.Start(topic, doomed.WebSocketUri, cluster.Nodes[0].WebSocketUri);
        await client.WaitForAsync(e => FailoverClient.Is(e, "subscribed"), Bound, "subscribed");
        await using var survivor = await BrokerClient.ConnectAsync(cluster.Nodes[1].WebSocketUri);
        await survivor.SubscribeAsync(topic);
        await PublishUntilReceivedAsync(cluster, client, topic, "before");

        // Publishes keep going over HTTP on node 1 through the whole failover.
        var acked = new ConcurrentQueue<long>();
        using var stop = new CancellationTokenSource();
        var traffic = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                using var response = await cluster.PublishOverHttpAsync(cluster.Nodes[1], topic, $"{{\"steady\":{i}}}");
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                acked.Enqueue(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("offset").GetInt64());
                await Task.Delay(TimeSpan.FromMilliseconds(20));
            }
        });
        await Eventually.TrueAsync(() => acked.Count >= 5, Bound, "steady publishes acked before the kill");

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
        await stop.CancelAsync();
        await traffic;

        // The survivor's subscriber got every acked publish, in offset order; the failed-over client never saw an
        // offset twice or go back (it misses what was published while it reconnected: no history replay here).
        var seen = new List<long>();
        while (seen.Count == 0 || seen[^1] < acked.Max())
            seen.Add((await survivor.NextMessageAsync(Bound)).GetProperty("offset").GetInt64());
        Assert.Equal(seen.Order().Distinct(), seen);
        Assert.Empty(acked.Except(seen));
        Assert.Equal(client.Offsets.Order().Distinct(), client.Offsets);

        // The split-brain resolver downs the unreachable node (the others are the majority); it leaves the list.
        await Eventually.TrueAsync(async () =>
        {
            var lists = await Task.WhenAll(cluster.Nodes.Where(n => n != doomed).Select(cluster.NodesAsync));
            return lists.All(l => l.Members.All(m => m.Address != doomedAddress));
        }, Bound, "the killed node downed and removed on every remaining node");
        if (seed) await cluster.RestartNodeAsync(2);
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
