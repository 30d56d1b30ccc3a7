namespace Broker.Core.Settings;

/// <summary>The <c>broker.limits</c> section.</summary>
/// <param name="MaxConnections">Most WebSocket connections on this node.</param>
/// <param name="MaxConnectionsPerIp">Most WebSocket connections from one peer IP address; null when <c>off</c>.</param>
/// <param name="MaxOutboundBytes">The node-wide budget of queued outbound bytes; null when <c>off</c>.</param>
public sealed record LimitsSettings(int MaxConnections, int? MaxConnectionsPerIp = null, long? MaxOutboundBytes = null);
