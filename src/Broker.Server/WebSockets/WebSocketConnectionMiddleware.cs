using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using Broker.Protocol.Handshake;
using Microsoft.AspNetCore.Connections;

namespace Broker.Server.WebSockets;

/// <summary>
/// Kestrel connection middleware in front of HTTP/1.1: when a new connection's first request is a valid WebSocket
/// handshake on a WebSocket path, it answers 101 itself and gives the raw transport to a connection actor, so the
/// upgraded connection keeps none of Kestrel's HTTP/1.1 connection and request state (about 9 KB per connection).
/// Anything else (another path, an invalid or refused handshake, a request it does not fully understand) is left
/// unread in the pipe and goes to the HTTP server, which answers it exactly as before, WebSocketEndpoint included.
/// </summary>
internal sealed class WebSocketConnectionMiddleware(ConnectionDelegate next, IServiceProvider services)
{
    // A client that connects and sends no complete head within this time is left to HTTP's own timeouts.
    private static readonly TimeSpan HeadTimeout = TimeSpan.FromSeconds(10);

    private WebSocketTakeover? _takeover;

    public async Task OnConnectedAsync(ConnectionContext connection)
    {
        if (await TryTakeOverAsync(connection) is { } session)
        {
            await session;
            return;
        }
        await next(connection);
    }

    // Returns the running session when the connection became a WebSocket (admitted: RunAsync releases the admission);
    // null when HTTP is to serve it (nothing consumed).
    private async Task<Task?> TryTakeOverAsync(ConnectionContext connection)
    {
        var input = connection.Transport.Input;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
        timeout.CancelAfter(HeadTimeout);
        while (true)
        {
            ReadResult result;
            try
            {
                result = await input.ReadAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            var buffer = result.Buffer;
            var outcome = UpgradeRequestHead.TryParse(buffer, out var head, out var end);
            if (outcome == UpgradeRequestHead.Outcome.NeedMore && !result.IsCompleted)
            {
                input.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }
            var address = (connection.RemoteEndPoint as IPEndPoint)?.Address;
            var takeover = _takeover ??= services.GetRequiredService<WebSocketTakeover>();
            if (outcome == UpgradeRequestHead.Outcome.Parsed && await takeover.TryAcceptAsync(head, address) is var (accepted, handler))
            {
                input.AdvanceTo(end);
                await WriteSwitchingProtocolsAsync(connection, accepted);
                return takeover.Sessions.RunAsync(connection.Transport, connection.Abort, handler, accepted, address);
            }
            // Examined nothing: HTTP's first read returns these bytes at once.
            input.AdvanceTo(buffer.Start);
            return null;
        }
    }

    private static async ValueTask WriteSwitchingProtocolsAsync(ConnectionContext connection, HandshakeResult accepted)
    {
        var output = connection.Transport.Output;
        output.Write(WebSocketTakeover.SwitchingProtocols(accepted));
        await output.FlushAsync();
    }
}
