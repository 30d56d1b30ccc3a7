using Broker.Protocol.Compression;

namespace Broker.Core.Settings;

/// <summary>The <c>broker.websocket</c> section. <see cref="PingInterval"/> is null when heartbeats are off; the two
/// message bounds default to none for code that builds settings by hand (the shipped defaults are in broker.hocon).</summary>
public sealed record WebSocketSettings(
    long MaxMessageBytes,
    TimeSpan? PingInterval,
    TimeSpan IdleTimeout,
    TimeSpan CloseTimeout,
    long MaxQueuedBytes,
    int MaxQueuedMessages,
    IReadOnlyList<string> Subprotocols,
    DeflateSettings Deflate,
    TimeSpan? MaxMessageDuration = null,
    int MaxEmptyFragments = int.MaxValue);
