using Broker.Protocol;

namespace Broker.Core.Connections;

/// <summary>The <see cref="ConnectionSupervisorActor"/> supervisor's protocol.</summary>
public static class ConnectionSupervisor
{
    /// <summary>Start a connection actor for an upgraded socket; watch <see cref="ConnectionSetup.Completion"/>.</summary>
    public sealed record Open(ConnectionSetup Setup);

    /// <summary>Start the closing handshake on every connection (1001 on shutdown).</summary>
    public sealed record CloseAll(CloseStatus Status);
}
