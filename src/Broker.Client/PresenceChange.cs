namespace Broker.Client;

/// <summary>
/// Another connection entered (<see cref="BrokerClient.Joined"/>) or left (<see cref="BrokerClient.Left"/>) the presence
/// of <paramref name="Topic"/>, a concrete topic this client is subscribed to.
/// </summary>
public sealed record PresenceChange(string Topic, PresenceMember Member);
