using Broker.Testing;

namespace Broker.Cluster.Tests;

/// <summary>
/// Two nodes with broker.cluster.tls (a certificate from a CA made for the run), Redis, and a second CA that the
/// cluster does not trust, for outsiders. Shared by <see cref="ClusterTlsTests"/>.
/// </summary>
public sealed class ClusterTlsFixture : IAsyncLifetime
{
    private TestCluster? _cluster;

    public TestCertificateAuthority Ca { get; } = new("broker-cluster-ca");

    public TestCertificateAuthority ForeignCa { get; } = new("stranger-ca");

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    /// <summary>The environment that turns on broker.cluster.tls with <paramref name="certificate"/>, trusting <paramref name="ca"/>.</summary>
    public static Dictionary<string, string> Tls(IssuedCertificate certificate, string ca) => new()
    {
        ["BROKER__CLUSTER__TLS__CERTIFICATE"] = certificate.CertificatePath,
        ["BROKER__CLUSTER__TLS__KEY"] = certificate.KeyPath,
        ["BROKER__CLUSTER__TLS__CA"] = ca,
    };

    public async Task InitializeAsync() =>
        _cluster = await TestCluster.StartAsync(nodes: 2, Tls(Ca.Issue("node"), Ca.CertificatePath));

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        Ca.Dispose();
        ForeignCa.Dispose();
    }
}
