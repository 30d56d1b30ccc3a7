using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Conformance;

/// <summary>
/// An independent peer: the npm `ws` client (tests/interop-js) runs Autobahn 12.x/13.x (permessage-deflate with every
/// window and context-takeover parameter) and 5.x/9.x (fragmentation, messages at and past the limit) against /echo.
/// </summary>
public sealed class NodeWsConformanceTests(EchoNode node) : IClassFixture<EchoNode>
{
    // One run per server_max_window_bits; each offers client_max_window_bits 8-15 and bare, with all four
    // no_context_takeover combinations. 8 checks the server declines an offer it cannot honour.
    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    [InlineData(15)]
    public async Task NodeWs_DeflateParameterMatrix_EveryEchoIntact(int serverMaxWindowBits)
    {
        var (exitCode, output) = await InteropScripts.NodeAsync(TimeSpan.FromMinutes(5), "deflate-matrix.js",
            node.Broker.Ws("/echo").ToString(), serverMaxWindowBits.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.True(exitCode == 0, output);
        Assert.Contains("ok 36 connections", output);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("deflate")]
    public async Task NodeWs_FragmentsAndLimits_EchoedAndOverLimitFails1009(string mode)
    {
        var (exitCode, output) = await InteropScripts.NodeAsync(TimeSpan.FromMinutes(3), "fragments.js", node.Broker.Ws("/echo").ToString(), mode);

        Assert.True(exitCode == 0, output);
        Assert.Contains("ok", output);
    }
}
