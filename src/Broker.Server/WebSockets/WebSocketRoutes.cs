using Broker.Core.Connections;

namespace Broker.Server.WebSockets;

/// <summary>
/// The WebSocket paths of the node and the handler each runs, shared by the connection middleware (the fast path below
/// HTTP/1.1) and the HTTP endpoints (upgrades on a keep-alive connection that already carried HTTP requests).
/// Filled while the endpoints are mapped, before Kestrel accepts connections. A factory sees the request first and may
/// refuse it (answering, e.g., 401 for a bad Authorization header, and returning null).
/// </summary>
internal sealed class WebSocketRoutes
{
    private readonly Dictionary<string, Func<HttpContext, ValueTask<IMessageHandler?>>> _handlers = new(StringComparer.Ordinal);

    public void Add(string path, Func<HttpContext, ValueTask<IMessageHandler?>> newHandler) => _handlers.Add(path, newHandler);

    public bool TryGet(string path, out Func<HttpContext, ValueTask<IMessageHandler?>> newHandler) => _handlers.TryGetValue(path, out newHandler!);
}
