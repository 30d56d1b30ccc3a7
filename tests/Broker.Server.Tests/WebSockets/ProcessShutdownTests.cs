using System.Diagnostics;
using System.Net.WebSockets;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.WebSockets;

/// <summary>The real executable: its one stdout line, and SIGTERM closing every connection with 1001.</summary>
public sealed class ProcessShutdownTests
{
    [Fact]
    public async Task Sigterm_OpenConnection_ClosedWith1001AndProcessExits()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(AppContext.BaseDirectory, "Broker.Server.dll"), "--host", "127.0.0.1", "--port", "0" })
            start.ArgumentList.Add(arg);
        using var broker = Process.Start(start)!;
        _ = broker.StandardError.ReadToEndAsync();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var line = await broker.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.NotNull(line);
            Assert.Matches(@"^Broker listening on http://127\.0\.0\.1:[1-9][0-9]*$", line);
            var http = new Uri(line["Broker listening on ".Length..]);
            using var client = await WebSocketClients.ConnectAsync(new Uri($"ws://{http.Authority}/ws"));
            var receive = WebSocketClients.ReceiveMessageAsync(client);

            using (var kill = Process.Start("kill", ["-TERM", broker.Id.ToString()]))
                await kill.WaitForExitAsync(timeout.Token);
            var (type, _) = await receive;
            await client.CloseOutputAsync(WebSocketCloseStatus.EndpointUnavailable, "", timeout.Token);
            await broker.WaitForExitAsync(timeout.Token);

            Assert.Equal(WebSocketMessageType.Close, type);
            Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, client.CloseStatus);
            Assert.Null(await broker.StandardOutput.ReadLineAsync(timeout.Token)); // exactly one stdout line
        }
        finally
        {
            if (!broker.HasExited)
                broker.Kill();
        }
    }
}
