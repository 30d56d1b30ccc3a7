namespace Broker.Protocol;

/// <summary>The one table of what each close code means to a peer: valid on the wire, and whether a client should reconnect.</summary>
public static class CloseStatusRules
{
    /// <summary>
    /// RFC 6455 §7.4: 1000–1003 and 1007–1014 are defined for the wire, 3000–4999 belong to libraries and
    /// applications; 1004–1006, 1015 and everything else must fail the connection with 1002.
    /// </summary>
    public static bool IsValidOnWire(int code) =>
        code is >= 1000 and <= 1003 or >= 1007 and <= 1014 or >= 3000 and <= 4999;

    /// <summary>True when a client should reconnect (with back-off) after the server closed with this code.</summary>
    public static bool ShouldReconnect(CloseStatus status) => status switch
    {
        CloseStatus.GoingAway or CloseStatus.AbnormalClosure or CloseStatus.InternalServerError
            or CloseStatus.ServiceRestart or CloseStatus.TryAgainLater or CloseStatus.BadGateway
            or CloseStatus.SlowConsumer or CloseStatus.HeartbeatTimeout or CloseStatus.TokenExpired => true,
        _ => false,
    };
}
