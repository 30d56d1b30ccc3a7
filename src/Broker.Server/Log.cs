namespace Broker.Server;

/// <summary>The server's log events, with stable ids.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "WebSocket handshake on {Path} rejected with {Status}: {Reason}")]
    public static partial void HandshakeRejected(ILogger logger, string path, int status, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Connection limit {Max} reached; answering 503")]
    public static partial void ConnectionLimitReached(ILogger logger, int max);

    [LoggerMessage(3, LogLevel.Information, "Shutting down: closing every connection with 1001")]
    public static partial void ClosingAllConnections(ILogger logger);

    [LoggerMessage(4, LogLevel.Information, "Broker {Version} started on {Address} ({Mode}, {Backplane} backplane)")]
    public static partial void NodeStarted(ILogger logger, string version, string address, string mode, string backplane);

    [LoggerMessage(5, LogLevel.Warning, "Cannot accept connections ({Error}: {Reason}); retrying in {Delay}")]
    public static partial void AcceptFailed(ILogger logger, string error, string reason, TimeSpan delay);

    [LoggerMessage(7, LogLevel.Warning, "Not accepting connections: {Held} sockets open under an open-file limit of {Limit}, {Reserve} descriptors kept free for the process; accepting again as connections close")]
    public static partial void DescriptorsSpent(ILogger logger, int held, long limit, int reserve);

    [LoggerMessage(6, LogLevel.Warning, "Handshake from {Address} failed; connection closed")]
    public static partial void HandshakeFailed(ILogger logger, Exception exception, string? address);

    [LoggerMessage(20, LogLevel.Warning, "{Message}")]
    public static partial void JwksFailed(ILogger logger, string message);

    [LoggerMessage(21, LogLevel.Warning, "Authentication is on but broker.http.allowed-origins is empty: any web page may open WebSockets to this broker with its visitors' tokens; list your sites' origins (docs/security.md)")]
    public static partial void NoAllowedOrigins(ILogger logger);

    [LoggerMessage(22, LogLevel.Information, "TLS certificate reloaded: {Subject}, valid until {NotAfter:u}")]
    public static partial void CertificateReloaded(ILogger logger, string subject, DateTime notAfter);

    [LoggerMessage(23, LogLevel.Warning, "TLS certificate reload failed, keeping the current one: {Reason}")]
    public static partial void CertificateReloadFailed(ILogger logger, string reason);
}
