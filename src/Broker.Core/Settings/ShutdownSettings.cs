namespace Broker.Core.Settings;

/// <summary>The <c>broker.shutdown</c> section.</summary>
public sealed record ShutdownSettings(TimeSpan DrainTimeout);
