namespace Broker.Client;

/// <summary>Which closes the client recovers from by reconnecting (the broker's table in docs/protocol.md).</summary>
internal static class CloseCodes
{
    /// <summary>
    /// Going away (1001), dropped (1006, or no Close at all), internal error and restarts (1011-1014), slow consumer
    /// (4000), heartbeat timeout (4001): reconnect. Normal closure (1000), protocol faults (1002, 1003, 1007, 1009) and
    /// too many violations (4002) would only repeat: stay closed.
    /// </summary>
    public static bool ShouldReconnect(int? code) => code switch
    {
        null or 1001 or 1006 or 1011 or 1012 or 1013 or 1014 or 4000 or 4001 => true,
        _ => false,
    };
}
