namespace Broker.Core.Settings;

/// <summary>The <c>broker.limits</c> section.</summary>
public sealed record LimitsSettings(int MaxConnections);
