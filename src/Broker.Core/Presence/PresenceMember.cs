namespace Broker.Core.Presence;

/// <summary>One client in a topic's presence: its cluster-wide connection id and its user (null: anonymous).</summary>
public readonly record struct PresenceMember(string Client, string? User);
