using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Presence;

/// <summary>The presence contract on the embedded node.</summary>
public sealed class InMemoryPresenceProtocolTests : PresenceProtocolContract
{
    protected override Task<TestBroker> StartBrokerAsync(string overrides = "") => TestBroker.StartAsync(overrides);
}
