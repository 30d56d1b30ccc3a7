using System.Net;

namespace Broker.Server.WebSockets.Listener;

/// <summary>
/// A plaintext endpoint served by <see cref="PlainListenerFactory"/>: the broker accepts the sockets itself, serves
/// WebSocket handshakes on its own transport and hands every other connection to Kestrel's HTTP.
/// </summary>
internal sealed class TakeoverEndPoint(IPAddress address, int port) : IPEndPoint(address, port);
