namespace Broker.Protocol.Client;

/// <summary>The commands a client sends on <c>/ws</c> (docs/protocol.md, "Client → server").</summary>
public enum ClientCommandType : byte
{
    /// <summary>No command: the frame was rejected before its type was known.</summary>
    None = 0,
    /// <summary><c>subscribe</c>: start receiving a topic or wildcard pattern.</summary>
    Subscribe,
    /// <summary><c>unsubscribe</c>: stop receiving a topic or pattern exactly as subscribed (idempotent).</summary>
    Unsubscribe,
    /// <summary><c>publish</c>: send <c>data</c> to every subscriber of a concrete topic.</summary>
    Publish,
    /// <summary><c>ping</c>: an application-level round trip answered with an ack.</summary>
    Ping,
    /// <summary><c>history</c>: the retained messages of a concrete topic (all, the last <c>limit</c>, or after <c>since</c>).</summary>
    History,
    /// <summary><c>connect</c>: authenticate the connection with a JWT (docs/security.md).</summary>
    Connect,
    /// <summary><c>refresh</c>: replace the connection's token before it expires (same <c>sub</c>).</summary>
    Refresh,
    /// <summary><c>presence</c>: the clients subscribed to a concrete topic, cluster-wide.</summary>
    Presence,
    /// <summary><c>presence_stats</c>: how many clients and distinct users are subscribed to a concrete topic.</summary>
    PresenceStats,
}
