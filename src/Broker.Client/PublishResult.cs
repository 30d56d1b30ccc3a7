namespace Broker.Client;

/// <summary>The broker's acknowledgement of a publish.</summary>
/// <param name="Topic">The topic published to.</param>
/// <param name="Offset">The offset the broker gave the message on that topic.</param>
public readonly record struct PublishResult(string Topic, long Offset);
