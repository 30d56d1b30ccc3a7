using System.Net;
using System.Net.WebSockets;
using Broker.Testing;

namespace Broker.Cluster.Tests;

/// <summary>
/// broker.cluster.tls: two nodes holding certificates from the cluster CA form a cluster over mutual TLS; a node with
/// no TLS and a node whose certificate comes from another CA are refused at the handshake and never become members.
/// </summary>
public sealed class ClusterTlsTests(ClusterTlsFixture fixture) : IClassFixture<ClusterTlsFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Cluster_TwoNodesWithCertificates_FormOverTlsAndServeAcrossNodes()
    {
        var cluster = fixture.Cluster;
        var lists = await Task.WhenAll(cluster.Nodes.Select(cluster.NodesAsync));
        Assert.All(lists, list => Assert.StartsWith("akka.ssl.tcp://broker@127.0.0.1:", list.Self));
        var topic = Topics.Fresh("tls");
        await using var subscriber = await BrokerClient.ConnectAsync(cluster.Nodes[1].WebSocketUri);
        await subscriber.SubscribeAsync(topic);
        await using var publisher = await BrokerClient.ConnectAsync(cluster.Nodes[0].WebSocketUri);
        await publisher.PublishAsync(topic, "\"over tls\"");
        Assert.Equal("\"over tls\"", (await subscriber.NextMessageAsync(Bound)).GetProperty("data").GetRawText());

        // User operations travel over the cluster transport itself (node 0 -> node 1's UserDirectory), not over Redis.
        await using var user = await BrokerClient.ConnectAsync(cluster.Nodes[1].WebSocketUri);
        Assert.Equal("connected", (await user.AuthenticateAsync(HmacTokens.For(TestCluster.TokenSecret, "tls-user"))).GetProperty("type").GetString());
        var response = await cluster.Http.PostAsync(new Uri(cluster.Nodes[0].HttpUri, "/api/users/tls-user/disconnect"), null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal((WebSocketCloseStatus)4006, await user.Closed.WaitAsync(Bound));
    }

    [Fact]
    public async Task Join_NodeWithoutTls_IsRefusedAndNeverAMember() =>
        await AssertRefusedAsync(new Dictionary<string, string>(), refusals: 2);

    [Fact]
    public async Task Join_NodeWithCertificateFromAnotherCa_IsRefusedAndNeverAMember()
    {
        // It trusts the cluster's CA besides its own: only the cluster nodes' check of ITS certificate keeps it out. A node
        // whose own TLS handshake fails shuts itself down (Akka.Remote, exit code 79), so it may try only once.
        await AssertRefusedAsync(ClusterTlsFixture.Tls(fixture.ForeignCa.Issue("stranger"), fixture.ForeignCa.TrustBundleWith(fixture.Ca)),
            refusals: 1);

        Assert.Contains("Cluster TLS: refused", fixture.Cluster.Nodes[0].Log);
        Assert.Contains("\"CN=stranger\" does not chain to the cluster CA", fixture.Cluster.Nodes[0].Log);
    }

    // The first seed refuses the outsider's handshakes (Akka.Remote logs each one); after that the outsider is not a
    // member anywhere: the cluster lists exactly its two nodes, and the outsider (unless it has shut itself down) sees
    // no member Up.
    private async Task AssertRefusedAsync(Dictionary<string, string> outsiderSettings, int refusals)
    {
        var cluster = fixture.Cluster;
        var seed = cluster.Nodes[0];
        var before = Refusals(seed);
        // It keeps trying, as an intruder would, instead of restarting itself after an unanswered join.
        outsiderSettings["AKKA__CLUSTER__SHUTDOWN_AFTER_UNSUCCESSFUL_JOIN_SEED_NODES"] = "off";
        await using var outsider = await cluster.StartOutsiderAsync(outsiderSettings);

        await Eventually.TrueAsync(() => Refusals(seed) >= before + refusals, Bound, $"{refusals} refused handshake(s) logged by the first seed");

        var lists = await Task.WhenAll(cluster.Nodes.Select(cluster.NodesAsync));
        var selves = lists.Select(l => l.Self).Order().ToArray();
        Assert.All(lists, list => Assert.Equal(selves, list.Members.Select(m => m.Address).Order()));
        if (await OutsiderViewAsync(cluster, outsider) is { } outsiderView)
        {
            Assert.DoesNotContain(outsiderView.Members, m => m.Status == "Up");
            Assert.DoesNotContain(outsiderView.Self, selves);
        }
    }

    // Null once the outsider has shut itself down (it cannot be a member then); its own view otherwise.
    private static async Task<NodeListBody?> OutsiderViewAsync(TestCluster cluster, BrokerProcess outsider)
    {
        try
        {
            return await cluster.NodesAsync(outsider);
        }
        catch (HttpRequestException)
        {
            await outsider.WaitForExitAsync(Bound); // unreachable because it is going away, or the failure is real
            return null;
        }
    }

    private static int Refusals(BrokerProcess node) =>
        node.Log.Split('\n').Count(line => line.Contains("Rejected incoming connection", StringComparison.Ordinal)
                                            && line.Contains("TLS handshake failure", StringComparison.Ordinal));
}
