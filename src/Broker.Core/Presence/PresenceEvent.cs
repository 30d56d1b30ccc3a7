namespace Broker.Core.Presence;

/// <summary>
/// A client joined (<paramref name="Joined"/>) or left a topic: delivered as <c>join</c>/<c>leave</c> to the topic's
/// subscribers on every node, except the client itself (matched by its client id on the subscriber, so a client that
/// subscribed again before its own leave came back through Redis is still not told about itself).
/// </summary>
public sealed record PresenceEvent(bool Joined, PresenceMember Member);
