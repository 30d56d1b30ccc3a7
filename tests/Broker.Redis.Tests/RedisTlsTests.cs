using System.Text;
using Broker.Core.Backplane;
using Broker.Testing;

namespace Broker.Redis.Tests;

/// <summary>
/// broker.redis.tls against a real redis-server serving TLS only (<c>--tls-port</c>, <c>--port 0</c>) with certificates
/// made for the run: trusting its CA through tls-ca, and presenting a client certificate where Redis requires one.
/// </summary>
public sealed class RedisTlsTests : IDisposable
{
    private readonly TestCertificateAuthority _ca = new("redis-test-ca");
    private readonly TestCertificateAuthority _otherCa = new("other-ca");
    private readonly List<RedisServerProcess> _servers = [];

    private RedisServerProcess StartServer(bool requireClientCertificate)
    {
        var server = _ca.Issue("redis");
        var process = RedisServerProcess.Start(tls: new RedisTls(server.CertificatePath, server.KeyPath, _ca.CertificatePath,
            requireClientCertificate));
        _servers.Add(process);
        return process;
    }

    private static RedisSettings Settings(RedisServerProcess server, bool tls, string ca = "", IssuedCertificate? client = null) =>
        RedisFixture.Settings(server, RedisFixture.NewPrefix()) with
        {
            Tls = tls,
            TlsCa = ca,
            TlsCertificate = client?.CertificatePath ?? "",
            TlsKey = client?.KeyPath ?? "",
            ConnectTimeout = TimeSpan.FromSeconds(2),
            OperationTimeout = TimeSpan.FromSeconds(1),
        };

    [Fact]
    public async Task Publish_TlsTrustingTheServersCa_IsAcceptedAndDelivered()
    {
        var server = StartServer(requireClientCertificate: false);
        var sink = new RecordingSink();
        await using var node = await RedisFixture.StartNodeAsync(Settings(server, tls: true, _ca.CertificatePath), sink);
        await node.SubscribeAsync("secure.topic");

        Assert.Equal(1, await node.PublishAsync("secure.topic", Encoding.UTF8.GetBytes("1")));
        await sink.WaitForCountAsync(1);
        Assert.Equal("1", Encoding.UTF8.GetString(Assert.Single(sink.Deliveries).Data));
    }

    [Fact]
    public async Task Publish_ClientCertificateFromTheCa_IsAcceptedWhereRedisRequiresOne()
    {
        var server = StartServer(requireClientCertificate: true);
        await using var node = await RedisFixture.StartNodeAsync(
            Settings(server, tls: true, _ca.CertificatePath, _ca.Issue("broker")), new RecordingSink());

        Assert.Equal(1, await node.PublishAsync("secure.topic", Encoding.UTF8.GetBytes("1")));
    }

    public enum Refused { PlainTcp, CaNotTrusted, NoClientCertificate, ClientCertificateFromAnotherCa }

    [Theory]
    [InlineData(Refused.PlainTcp)]
    [InlineData(Refused.CaNotTrusted)]
    [InlineData(Refused.NoClientCertificate)]
    [InlineData(Refused.ClientCertificateFromAnotherCa)]
    public async Task Publish_WithoutTheRightTls_FailsAsBackplaneUnavailable(Refused refused)
    {
        var server = StartServer(requireClientCertificate: refused is Refused.NoClientCertificate or Refused.ClientCertificateFromAnotherCa);
        var settings = refused switch
        {
            Refused.PlainTcp => Settings(server, tls: false),
            Refused.CaNotTrusted => Settings(server, tls: true), // the system trust store does not hold the test CA
            Refused.NoClientCertificate => Settings(server, tls: true, _ca.CertificatePath),
            _ => Settings(server, tls: true, _ca.CertificatePath, _otherCa.Issue("stranger")),
        };
        await using var node = await RedisFixture.StartNodeAsync(settings, new RecordingSink());

        await Assert.ThrowsAsync<BackplaneUnavailableException>(() =>
            node.PublishAsync("secure.topic", Encoding.UTF8.GetBytes("1")).AsTask());
    }

    public void Dispose()
    {
        foreach (var server in _servers) server.Dispose();
        _ca.Dispose();
        _otherCa.Dispose();
    }
}
