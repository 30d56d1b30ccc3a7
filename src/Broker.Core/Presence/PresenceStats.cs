namespace Broker.Core.Presence;

/// <summary>A topic's presence counts: clients subscribed and distinct users among them (anonymous clients count no user).</summary>
public readonly record struct PresenceStats(long Clients, long Users);
