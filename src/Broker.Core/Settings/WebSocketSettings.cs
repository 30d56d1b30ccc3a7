using Broker.Protocol.Compression;

namespace Broker.Core.Settings;

/// <summary>The <c>broker.websocket</c> section. <see cref="PingInterval"/> is null when heartbeats are off.</summary>
public sealed record WebSocketSettings(
    long MaxMessageBytes,
    TimeSpan? PingInterval,
    TimeSpan IdleTimeout,
    TimeSpan CloseTimeout,
    long MaxQueuedBytes,
    int MaxQueuedMessages,
    IReadOnlyList<string> Subprotocols,
    DeflateSettings Deflate,
    TimeSpan MaxMessageDuration,
    int MaxEmptyFragments);
