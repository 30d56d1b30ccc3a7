using System.Buffers;
using System.Net;
using System.Text;
using Broker.Core.Connections;
using Broker.Protocol.Handshake;
using Broker.Server.Auth;

namespace Broker.Server.WebSockets;

/// <summary>
/// Decides whether a fresh connection's first request, read below HTTP/1.1, is a WebSocket handshake the broker takes
/// over itself: the same checks as <see cref="WebSocketEndpoint"/>, in the same order. Any refusal (another path, an
/// invalid handshake, shutdown, a handler factory that refuses the request, the connection limit) is HTTP's to answer,
/// with the status the endpoint gives. Shared by the connection middleware (Kestrel's transport, TLS) and the broker's
/// own plaintext listener.
/// </summary>
internal sealed class WebSocketTakeover(IServiceProvider services, WebSocketRoutes routes, WebSocketSessions sessions)
{
    public WebSocketSessions Sessions => sessions;

    /// <summary>The accepted handshake and the connection's handler, admitted (pair with RunAsync), or null.</summary>
    public async ValueTask<(HandshakeResult Accepted, IMessageHandler Handler)?> TryAcceptAsync(UpgradeRequestHead.Head head,
        IPAddress? address)
    {
        if (!routes.TryGet(head.Path, out var newHandler) || sessions.IsStopping)
            return null;
        var result = HandshakeValidator.Validate(head.Request, sessions.Handshake);
        if (!result.IsAccepted)
            return null;
        // The factory reads the request (e.g. Authorization): it gets a throwaway HttpContext holding the parsed head.
        var handler = await newHandler(RequestContext(head));
        if (handler is null || sessions.TryAdmit(address) != Admission.Admitted)
            return null;
        return (result, handler);
    }

    /// <summary>
    /// Runs the handshake path once on a made-up request, up to the route's handler factory, before the node accepts
    /// connections. Loading the assemblies and native libraries it needs (HTTP request state, claims, SHA-1 and OpenSSL)
    /// takes file descriptors, which a node started into a connection storm may not have left at its first handshake,
    /// and a failed load is final: every later handshake would fail the same way.
    /// </summary>
    public void Prepare()
    {
        var request = "GET /ws?warm=up HTTP/1.1\r\nHost: broker\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"u8
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer -\r\n\r\n"u8;
        if (UpgradeRequestHead.TryParse(new ReadOnlySequence<byte>(request.ToArray()), out var head, out _)
            != UpgradeRequestHead.Outcome.Parsed)
            throw new InvalidOperationException("the warm-up handshake does not parse");
        if (HandshakeValidator.Validate(head.Request, sessions.Handshake) is { IsAccepted: true } accepted)
            SwitchingProtocols(accepted);
        _ = BearerKey.Token(RequestContext(head).Request);
    }

    /// <summary>The 101 response for an accepted handshake.</summary>
    public static byte[] SwitchingProtocols(HandshakeResult accepted)
    {
        var response = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\n");
        foreach (var (name, value) in accepted.Headers)
            response.Append(name).Append(": ").Append(value).Append("\r\n");
        response.Append("\r\n");
        return Encoding.Latin1.GetBytes(response.ToString());
    }

    private DefaultHttpContext RequestContext(UpgradeRequestHead.Head head)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        var request = context.Request;
        request.Method = head.Request.Method;
        request.Protocol = head.Request.Protocol;
        request.Path = head.Path;
        request.QueryString = new QueryString(head.Query);
        foreach (var (name, value) in head.Fields)
            request.Headers.Append(name, value);
        return context;
    }
}
