namespace Broker.Protocol;

/// <summary>
/// Close codes the broker sends or accepts (RFC 6455 §7.4.1, IANA registry, and the broker's own 4000–4999 range).
/// <see cref="CloseStatusRules"/> says which are valid on the wire and which mean "reconnect".
/// </summary>
public enum CloseStatus : ushort
{
    /// <summary>1000: the purpose of the connection is fulfilled.</summary>
    NormalClosure = 1000,
    /// <summary>1001: the node is shutting down or the peer navigated away; reconnect (to another node).</summary>
    GoingAway = 1001,
    /// <summary>1002: the peer broke RFC 6455 framing rules.</summary>
    ProtocolError = 1002,
    /// <summary>1003: a data type the endpoint does not accept (binary on a text-only endpoint).</summary>
    UnsupportedData = 1003,
    /// <summary>1005: no code was present. Never sent on the wire.</summary>
    NoStatusReceived = 1005,
    /// <summary>1006: the connection dropped without a close frame. Never sent on the wire.</summary>
    AbnormalClosure = 1006,
    /// <summary>1007: a text message or close reason was not valid UTF-8.</summary>
    InvalidPayloadData = 1007,
    /// <summary>1008: a generic policy violation (for example too many protocol errors).</summary>
    PolicyViolation = 1008,
    /// <summary>1009: a message, or its decompressed form, exceeded the configured maximum.</summary>
    MessageTooBig = 1009,
    /// <summary>1010: the client required an extension the server did not negotiate.</summary>
    MandatoryExtension = 1010,
    /// <summary>1011: the server hit an unexpected condition; reconnect.</summary>
    InternalServerError = 1011,
    /// <summary>1012: the service is restarting; reconnect.</summary>
    ServiceRestart = 1012,
    /// <summary>1013: temporary overload; reconnect after a back-off.</summary>
    TryAgainLater = 1013,
    /// <summary>1014: an upstream gateway failed.</summary>
    BadGateway = 1014,
    /// <summary>1015: TLS handshake failure. Never sent on the wire.</summary>
    TlsHandshakeFailure = 1015,
    /// <summary>4000: the client did not read fast enough and its outbound queue overflowed; reconnect and resume from the last offset.</summary>
    SlowConsumer = 4000,
    /// <summary>4001: the peer sent nothing (not even a pong) within the heartbeat timeout.</summary>
    HeartbeatTimeout = 4001,
    /// <summary>4002: the client kept breaking limits (rate, errors) after being told with error replies.</summary>
    TooManyViolations = 4002,
    /// <summary>4003: authentication failed: an invalid token, no connect in time, or a command before connect while anonymous connections are denied.</summary>
    AuthenticationFailed = 4003,
    /// <summary>4005: the connection's token expired without a refresh; reconnect with a fresh token.</summary>
    TokenExpired = 4005,
    /// <summary>4006: the server API disconnected this user (POST /api/users/{user}/disconnect).</summary>
    DisconnectedByServer = 4006,
}
