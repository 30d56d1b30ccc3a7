namespace Broker.Client;

/// <summary>Which closes the client recovers from by reconnecting (the broker's table in docs/protocol.md).</summary>
internal static class CloseCodes
{
    /// <summary>
    /// Going away (1001), dropped (1006, or no Close at all), internal error and restarts (1011-1014), slow consumer
    /// (4000), heartbeat timeout (4001), token expired (4005: the token provider supplies a fresh one): reconnect.
    /// Normal closure (1000), protocol faults (1002, 1003, 1007, 1009), too many violations (4002), authentication
    /// failed (4003) and disconnected by the server (4006) would only repeat or override a deliberate close: stay closed.
    /// </summary>
    public static bool ShouldReconnect(int? code) => code switch
    {
        null or 1001 or 1006 or 1011 or 1012 or 1013 or 1014 or 4000 or 4001 or 4005 => true,
        _ => false,
    };

    /// <summary>Why the client stays closed after a close that <see cref="ShouldReconnect"/> refuses.</summary>
    public static BrokerException Final(int? code) => code switch
    {
        4003 => new BrokerException("unauthorized", "the broker closed the connection with 4003: authentication failed; reconnecting with the same token would not help"),
        4006 => new BrokerException("disconnected", "the broker disconnected this user (4006)"),
        _ => new BrokerException("closed", $"the broker closed the connection with {code}; reconnecting would not help"),
    };
}
