namespace Broker.Client;

/// <summary>Where the client's connection stands.</summary>
public enum BrokerConnectionState
{
    /// <summary>Not connected and not trying: before <see cref="BrokerClient.ConnectAsync"/>, after disposal, or after a close that forbids reconnecting.</summary>
    Closed,

    /// <summary>The first connection is being opened.</summary>
    Connecting,

    /// <summary>Connected: subscriptions are in place and publishes go straight out.</summary>
    Open,

    /// <summary>The connection dropped; waiting out the back-off or retrying. Publishes queue (bounded).</summary>
    Reconnecting,
}
