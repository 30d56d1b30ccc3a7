using System.Net;
using System.Net.WebSockets;
using System.Text;
using Broker.Testing;

namespace Broker.Cluster.Tests;

/// <summary>POST /api/users/{user}/disconnect and /unsubscribe reach the user's connections on every node.</summary>
[Collection(ClusterCollection.Name)]
public sealed class UserOperationsTests(ClusterFixture fixture)
{
    private static async Task<BrokerClient> ConnectAsAsync(BrokerProcess node, string user)
    {
        var client = await BrokerClient.ConnectAsync(node.WebSocketUri);
        var reply = await client.AuthenticateAsync(HmacTokens.For(TestCluster.TokenSecret, user));
        Assert.Equal("connected", reply.GetProperty("type").GetString());
        return client;
    }

    [Fact]
    public async Task DisconnectUser_ClosesTheUsersConnectionsOnEveryNodeWith4006()
    {
        var cluster = fixture.Cluster;
        var user = $"u{Guid.NewGuid():N}";
        var connections = new List<BrokerClient>();
        try
        {
            foreach (var node in cluster.Nodes)
                connections.Add(await ConnectAsAsync(node, user));
            var bystander = await ConnectAsAsync(cluster.Nodes[2], "bystander");
            connections.Add(bystander);

            var response = await cluster.Http.PostAsync(new Uri(cluster.Nodes[1].HttpUri, $"/api/users/{user}/disconnect"), null);

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            foreach (var connection in connections.Take(3))
                Assert.Equal((WebSocketCloseStatus)4006, await connection.Closed.WaitAsync(TimeSpan.FromSeconds(15)));
            await bystander.SubscribeAsync(Topics.Fresh("still-here"));
        }
        finally
        {
            foreach (var connection in connections)
                await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task UnsubscribeUser_RemovesTheSubscriptionOnEveryNode()
    {
        var cluster = fixture.Cluster;
        var user = $"u{Guid.NewGuid():N}";
        var topic = Topics.Fresh("removed");
        var connections = new List<BrokerClient>();
        try
        {
            foreach (var node in cluster.Nodes)
            {
                var client = await ConnectAsAsync(node, user);
                connections.Add(client);
                await client.SubscribeAsync(topic);
            }

            var response = await cluster.Http.PostAsync(new Uri(cluster.Nodes[0].HttpUri, $"/api/users/{user}/unsubscribe"),
                new StringContent($$"""{"topic":"{{topic}}"}""", Encoding.UTF8, "application/json"));

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            // The notice is not a "message", so it arrives as a reply; after it nothing of the topic is delivered.
            foreach (var connection in connections)
            {
                var notice = await connection.NextReplyAsync();
                Assert.Equal("unsubscribed", notice.GetProperty("type").GetString());
            }
            await cluster.PublishOverHttpAsync(cluster.Nodes[0], topic, "1");
            foreach (var connection in connections)
                await Assert.ThrowsAsync<TimeoutException>(() => connection.NextMessageAsync(TimeSpan.FromMilliseconds(500)));
        }
        finally
        {
            foreach (var connection in connections)
                await connection.DisposeAsync();
        }
    }
}
