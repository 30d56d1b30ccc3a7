namespace Broker.Client;

/// <summary>How a <see cref="BrokerClient"/> connects, retries and buffers. The defaults suit most applications.</summary>
public sealed class BrokerClientOptions
{
    /// <summary>Window of the first reconnect attempt; attempt n waits a random time in [0, min(max, base · 2ⁿ)) ("full jitter").</summary>
    public TimeSpan ReconnectBaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Largest reconnect window.</summary>
    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A connection open this long counts as stable: the next drop starts the back-off from the beginning.</summary>
    public TimeSpan StableAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>From calling <see cref="BrokerClient.PublishAsync{T}"/> to the broker's ack, queueing included; then <see cref="TimeoutException"/>.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Publishes kept while disconnected, sent in order after the next connection resubscribed; more fail with <c>queue_full</c>. 0 fails them at once.</summary>
    public int MaxQueuedPublishes { get; set; } = 1000;

    /// <summary>
    /// Messages buffered per subscription between the socket and a handler (or a <see cref="BrokerClient.ReadAllAsync"/>
    /// reader). When a slow handler fills it, the client stops reading the socket, and the broker's own per-connection
    /// queue takes the back-pressure (and eventually disconnects with 4000, after which the client reconnects).
    /// </summary>
    public int SubscriptionBufferSize { get; set; } = 1024;

    /// <summary>Offer permessage-deflate (RFC 7692); the broker compresses messages above its threshold.</summary>
    public bool Compression { get; set; } = true;

    /// <summary>WebSocket ping interval; with <see cref="KeepAliveTimeout"/>, detects a connection that died silently.</summary>
    public TimeSpan KeepAliveInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>No pong this long after a ping: the connection is treated as dropped and the client reconnects.</summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Headers added to every handshake (e.g. a cookie or a gateway's header).</summary>
    public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Called before every connection attempt for a bearer token (null: connect anonymously). Sent as
    /// <c>Authorization: Bearer</c> on the handshake, so a token that expired while disconnected is renewed on reconnect.
    /// </summary>
    public Func<CancellationToken, ValueTask<string?>>? TokenProvider { get; set; }

    /// <summary>
    /// How long before the connection's token expires (its <c>exp</c>) the client asks <see cref="TokenProvider"/> for a
    /// new one and sends <c>refresh</c>; never before halfway through the token's remaining life. Null: no refresh; the
    /// broker then closes with 4005 at expiry and the client reconnects with a fresh token.
    /// </summary>
    public TimeSpan? TokenRefreshBefore { get; set; } = TimeSpan.FromSeconds(30);

    internal void Validate()
    {
        if (ReconnectBaseDelay <= TimeSpan.Zero || ReconnectMaxDelay < ReconnectBaseDelay)
            throw new ArgumentException("ReconnectBaseDelay must be positive and at most ReconnectMaxDelay");
        if (PublishTimeout <= TimeSpan.Zero)
            throw new ArgumentException("PublishTimeout must be positive");
        if (TokenRefreshBefore < TimeSpan.Zero)
            throw new ArgumentException("TokenRefreshBefore must not be negative");
        if (MaxQueuedPublishes < 0 || SubscriptionBufferSize < 1)
            throw new ArgumentException("MaxQueuedPublishes must be >= 0 and SubscriptionBufferSize >= 1");
    }
}
