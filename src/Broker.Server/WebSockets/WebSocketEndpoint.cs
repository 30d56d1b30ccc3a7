using System.IO.Pipelines;
using Broker.Core.Connections;
using Broker.Protocol.Handshake;
using Microsoft.AspNetCore.Http.Features;

namespace Broker.Server.WebSockets;

/// <summary>
/// One WebSocket path served through HTTP/1.1: validates the handshake (Broker.Protocol), answers 101 through Kestrel's
/// upgrade feature, then hands the raw pipes to a connection actor running a fresh <see cref="IMessageHandler"/> from
/// this endpoint's factory (one per connection, so a handler may keep per-connection state such as subscriptions). The
/// factory sees the request first and may refuse it (it answers, e.g. 401 for a bad Authorization header, and returns
/// null). A fresh connection's valid handshake usually never gets here: <see cref="WebSocketConnectionMiddleware"/>
/// takes it below HTTP. This path serves upgrades on keep-alive connections that carried HTTP requests first, and
/// answers every refused handshake.
/// </summary>
internal sealed class WebSocketEndpoint(
    Func<HttpContext, ValueTask<IMessageHandler?>> newHandler,
    WebSocketSessions sessions,
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
            Header(headers, "Sec-WebSocket-Extensions")), sessions.Handshake);
        var upgrade = context.Features.Get<IHttpUpgradeFeature>();
        var counters = sessions.Counters;
        if (!result.IsAccepted || upgrade is not { IsUpgradableRequest: true })
        {
            var status = result.IsAccepted ? StatusCodes.Status400BadRequest : result.StatusCode;
            var reason = result.IsAccepted ? "the connection cannot be upgraded" : result.Body;
            Log.HandshakeRejected(logger, request.Path, status, reason);
            counters.HandshakeRejections.Increment(status);
            await RespondAsync(context, status, reason, result.IsAccepted ? [] : result.Headers);
            return;
        }
        if (sessions.IsStopping)
        {
            counters.HandshakeRejections.Increment(StatusCodes.Status503ServiceUnavailable);
            await RespondAsync(context, StatusCodes.Status503ServiceUnavailable, "shutting down", []);
            return;
        }
        var handler = await newHandler(context);
        if (handler is null)
            return;
        var address = context.Connection.RemoteIpAddress;
        switch (sessions.TryAdmit(address))
        {
            case Admission.NodeFull:
                Log.ConnectionLimitReached(logger, sessions.Settings.Limits.MaxConnections);
                counters.HandshakeRejections.Increment(StatusCodes.Status503ServiceUnavailable);
                await RespondAsync(context, StatusCodes.Status503ServiceUnavailable, "too many connections", []);
                return;
            case Admission.AddressFull:
                counters.HandshakeRejections.Increment(StatusCodes.Status429TooManyRequests);
                await RespondAsync(context, StatusCodes.Status429TooManyRequests, "too many connections from this address", []);
                return;
        }
        Stream upgraded;
        try
        {
            foreach (var (name, value) in result.Headers)
                context.Response.Headers[name] = value;
            upgraded = await upgrade.UpgradeAsync();
        }
        catch
        {
            sessions.Release(address);
            throw;
        }
        // After the 101, Kestrel's Request.BodyReader stays the empty pre-upgrade body and bytes written to
        // Response.BodyWriter never reach the socket (verified by the echo tests), so both pipes wrap the stream.
        var pipe = new UpgradedPipe(PipeReader.Create(upgraded, ReaderOptions), PipeWriter.Create(upgraded, WriterOptions));
        await sessions.RunAsync(pipe, context.Abort, handler, result, address);
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
