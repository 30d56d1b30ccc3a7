using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Conformance;

/// <summary>
/// One broker on the shipped defaults (but with server context takeover), shared by every case of a conformance class (as Autobahn|Testsuite runs all its
/// cases against one server): each case opens its own connection to /echo, so a failed connection never leaks into the next.
/// </summary>
public sealed class EchoNode : IAsyncLifetime
{
    public TestBroker Broker { get; private set; } = null!;

    // Context takeover stays on here (the shipped default turns it off): the RFC 7692 cases check that the server answers
    // exactly the offered parameters and that a second copy of a message compresses against the first.
    public async Task InitializeAsync() =>
        Broker = await TestBroker.StartAsync("broker.websocket.permessage-deflate.server-no-context-takeover = off");

    public Task<RawClient> OpenAsync() => RawClient.OpenAsync(Broker.Http);

    public async Task DisposeAsync() => await Broker.DisposeAsync();
}
