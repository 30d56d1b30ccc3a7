using System.IO.Pipelines;
using Akka.Actor;
using Akka.Hosting;
using Broker.Core.Connections;
using Broker.Core.Settings;
using Broker.Protocol.Handshake;
using Microsoft.AspNetCore.Http.Features;

namespace Broker.Server;

/// <summary>
/// One WebSocket path: validates the handshake (Broker.Protocol), answers 101 through Kestrel's upgrade feature, then
/// hands the raw pipes to a connection actor running a fresh <see cref="IMessageHandler"/> from this endpoint's factory
/// (one per connection, so a handler may keep per-connection state such as subscriptions). The factory sees the
/// request first and may refuse it (it answers, e.g. 401 for a bad Authorization header, and returns null).
/// </summary>
internal sealed class WebSocketEndpoint(
    Func<HttpContext, ValueTask<IMessageHandler?>> newHandler,
    BrokerSettings settings,
    HandshakeOptions handshake,
    IRequiredActor<ConnectionSupervisorActor> connections,
    ConnectionCounters counters,
    ILogger logger)
{
    // Zero-byte reads: an idle connection waits for data without holding a rented buffer (memory per idle connection).
    private static readonly StreamPipeReaderOptions ReaderOptions =
        new(bufferSize: 4096, minimumReadSize: 512, leaveOpen: true, useZeroByteReads: true);

    private static readonly StreamPipeWriterOptions WriterOptions = new(leaveOpen: true);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var headers = request.Headers;
        var result = HandshakeValidator.Validate(new HandshakeRequest(
            request.Method,
            request.Protocol,
            headers.Upgrade.ToString(),
            headers.Connection.ToString(),
            Header(headers, "Sec-WebSocket-Key"),
            Header(headers, "Sec-WebSocket-Version"),
            Header(headers, "Origin"),
            Header(headers, "Sec-WebSocket-Protocol"),
            Header(headers, "Sec-WebSocket-Extensions")), handshake);
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        if (!result.IsAccepted || upgrade is not { IsUpgradableRequest: true })
        {
            var status = result.IsAccepted ? StatusCodes.Status400BadRequest : result.StatusCode;
            var reason = result.IsAccepted ? "the connection cannot be upgraded" : result.Body;
            Log.HandshakeRejected(logger, request.Path, status, reason);
            counters.HandshakeRejections.Increment(status);
            await RespondAsync(context, status, reason, result.IsAccepted ? [] : result.Headers);
            return;
        }
        // Graceful shutdown: clients being closed with 1001 must not be replaced by new ones on this node.
        if (context.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested)
        {
            counters.HandshakeRejections.Increment(StatusCodes.Status503ServiceUnavailable);
            await RespondAsync(context, StatusCodes.Status503ServiceUnavailable, "shutting down", []);
            return;
        }
        var handler = await newHandler(context);
        if (handler is null)
            return;
        if (!counters.TryAdmit(settings.Limits.MaxConnections))
        {
            Log.ConnectionLimitReached(logger, settings.Limits.MaxConnections);
            counters.HandshakeRejections.Increment(StatusCodes.Status503ServiceUnavailable);
            await RespondAsync(context, StatusCodes.Status503ServiceUnavailable, "too many connections", []);
            return;
        }
        try
        {
            foreach (var (name, value) in result.Headers)
                context.Response.Headers[name] = value;
            var upgraded = await upgrade.UpgradeAsync();
            // After the 101, Kestrel's Request.BodyReader stays the empty pre-upgrade body and bytes written to
            // Response.BodyWriter never reach the socket (verified by the echo tests), so both pipes wrap the stream.
            var setup = new ConnectionSetup(
                new UpgradedPipe(PipeReader.Create(upgraded, ReaderOptions), PipeWriter.Create(upgraded, WriterOptions)),
                context.Abort,
                handler,
                result.Deflate,
                result.Subprotocol,
                settings.WebSocket,
                counters);
            connections.ActorRef.Tell(new ConnectionSupervisor.Open(setup));
            await setup.Completion;
        }
        finally
        {
            counters.Release();
        }
    }

    private static string? Header(IHeaderDictionary headers, string name) =>
        headers.TryGetValue(name, out var value) ? value.ToString() : null;

    private static Task RespondAsync(HttpContext context, int status, string body,
        IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
            context.Response.Headers[name] = value;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(body);
    }
}
