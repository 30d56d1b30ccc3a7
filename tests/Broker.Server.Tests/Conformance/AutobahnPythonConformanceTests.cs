using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Conformance;

/// <summary>
/// An independent peer from the Autobahn project itself: Autobahn|Python (tests/interop-python/echo_client.py), whose
/// protocol engine validates every server frame, echoes messages at every length encoding and at the limit, UTF-8 split
/// across fragments, a ping and a clean close, with and without permessage-deflate.
/// </summary>
public sealed class AutobahnPythonConformanceTests(EchoNode node) : IClassFixture<EchoNode>
{
    [Theory]
    [InlineData("plain")]
    [InlineData("deflate")]
    public async Task AutobahnPython_EchoClient_Passes(string mode)
    {
        var (exitCode, output) = await InteropScripts.PythonAsync(TimeSpan.FromMinutes(2), "echo_client.py",
            node.Broker.Ws("/echo").ToString(), mode);

        Assert.True(exitCode == 0, output);
        Assert.Contains("ok", output);
    }
}
