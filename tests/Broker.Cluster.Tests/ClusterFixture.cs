namespace Broker.Cluster.Tests;

/// <summary>One Redis and three nodes shared by the <see cref="ClusterCollection"/> tests, which run one at a time.</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    private TestCluster? _cluster;

    public TestCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync() => _cluster = await TestCluster.StartAsync(nodes: 3);

    public async Task DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
    }
}
