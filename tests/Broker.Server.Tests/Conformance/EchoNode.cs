using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Conformance;

/// <summary>
/// One broker on the shipped defaults, shared by every case of a conformance class (as Autobahn|Testsuite runs all its
/// cases against one server): each case opens its own connection to /echo, so a failed connection never leaks into the next.
/// </summary>
public sealed class EchoNode : IAsyncLifetime
{
    public TestBroker Broker { get; private set; } = null!;

    public async Task InitializeAsync() => Broker = await TestBroker.StartAsync();

    public Task<RawClient> OpenAsync() => RawClient.OpenAsync(Broker.Http);

    public async Task DisposeAsync() => await Broker.DisposeAsync();
}
