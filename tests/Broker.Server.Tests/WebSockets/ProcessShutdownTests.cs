using System.Net.WebSockets;
using Broker.Server.Tests.Support;
using Broker.Testing;

namespace Broker.Server.Tests.WebSockets;

/// <summary>The real executable: its one stdout line, and SIGTERM closing every connection with 1001.</summary>
public sealed class ProcessShutdownTests
{
    [Fact]
    public async Task Sigterm_OpenConnection_ClosedWith1001AndProcessExits()
    {
        await using var broker = await BrokerProcess.StartAsync([]);
        Assert.Matches(@"^http://127\.0\.0\.1:[1-9][0-9]*/?$", broker.HttpUri.ToString());
        using var client = await WebSocketClients.ConnectAsync(broker.WebSocketUri);
        var receive = WebSocketClients.ReceiveMessageAsync(client);

        broker.Terminate();
        var (type, _) = await receive;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await client.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "", timeout.Token);
        await broker.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(WebSocketMessageType.Close, type);
        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
        Assert.Empty(broker.OtherStandardOutput); // exactly one stdout line: the listening line
    }
}
