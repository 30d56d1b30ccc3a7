using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.WebSockets;

/// <summary>The npm `ws` client (tests/interop-js, installed by build.sh's npm ci) against a live node.</summary>
public sealed class NodeWsInteropTests
{
    [Theory]
    [InlineData("plain")]
    [InlineData("deflate")]
    public async Task NodeWs_EchoConformanceScript_Passes(string mode)
    {
        await using var broker = await TestBroker.StartAsync();

        var (exitCode, output) = await InteropScripts.NodeAsync(TimeSpan.FromSeconds(60), "echo.js", broker.Ws("/echo").ToString(), mode);

        Assert.True(exitCode == 0, output);
        Assert.Contains("ok", output);
    }
}
