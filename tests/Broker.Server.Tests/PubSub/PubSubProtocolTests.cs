using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.PubSub;

/// <summary>The pub/sub contract on the in-memory backplane (one node, the default).</summary>
public sealed class PubSubProtocolTests : PubSubProtocolContract
{
    protected override Task<TestBroker> StartBrokerAsync(string overrides = "") => TestBroker.StartAsync(overrides);
}
