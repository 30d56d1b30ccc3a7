using Broker.Server.Tests.Support;
using Broker.Testing;

namespace Broker.Server.Tests.Auth;

/// <summary>
/// A whole node configured the way an operator would (broker.redis.tls, tls-ca, a client certificate) against a real
/// redis-server that serves TLS only and requires client certificates: its clients publish and receive through it.
/// </summary>
public sealed class RedisTlsNodeTests
{
    [Fact]
    public async Task Node_RedisOverTlsWithClientCertificate_PublishesAndDelivers()
    {
        using var ca = new TestCertificateAuthority("redis-node-ca");
        var server = ca.Issue("redis");
        var client = ca.Issue("broker");
        using var redis = RedisServerProcess.Start(tls: new RedisTls(server.CertificatePath, server.KeyPath, ca.CertificatePath,
            RequireClientCertificate: true));
        await using var broker = await TestBroker.StartAsync($$"""
            broker.backplane.type = redis
            broker.redis {
              endpoint = "{{redis.Endpoint}}", tls = on, tls-ca = "{{ca.CertificatePath}}"
              tls-certificate = "{{client.CertificatePath}}", tls-key = "{{client.KeyPath}}"
            }
            """);
        await using var subscriber = await PubSubClient.ConnectAsync(broker);
        await subscriber.SubscribeAsync("secure.news");
        await using var publisher = await PubSubClient.ConnectAsync(broker);

        Assert.Equal(1, await publisher.PublishAsync("secure.news", "\"over tls\""));
        var message = await subscriber.ReceiveAsync();
        Assert.Equal("\"over tls\"", message.GetProperty("data").GetRawText());
    }
}
