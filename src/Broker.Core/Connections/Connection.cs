namespace Broker.Core.Connections;

/// <summary>The connection actor's protocol.</summary>
public static class Connection
{
    /// <summary>Queue a frame that was encoded once and is shared by many connections.</summary>
    public sealed record Deliver(SharedFrame Frame);
}
