namespace Broker.Server.WebSockets;

/// <summary>The outcome of <see cref="WebSocketSessions.TryAdmit"/>.</summary>
internal enum Admission
{
    /// <summary>Counted; pair with <see cref="WebSocketSessions.RunAsync"/>, <see cref="WebSocketSessions.Start"/> or <see cref="WebSocketSessions.Release"/>.</summary>
    Admitted,

    /// <summary>The node holds max-connections (503).</summary>
    NodeFull,

    /// <summary>The peer's address holds max-connections-per-ip (429).</summary>
    AddressFull,
}
