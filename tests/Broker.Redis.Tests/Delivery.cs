namespace Broker.Redis.Tests;

/// <summary>One call of IBackplaneSink.Deliver, with the data copied out.</summary>
public sealed record Delivery(string Topic, long Offset, byte[] Data);
