using Broker.Core.Connections;

namespace Broker.Core.Presence;

/// <summary>
/// A client joined (<paramref name="Joined"/>) or left a topic: delivered as <c>join</c>/<c>leave</c> to the topic's
/// subscribers on every node. <paramref name="Except"/> is the client's own subscriber when it lives on this node: it is
/// not told about itself.
/// </summary>
public sealed record PresenceEvent(bool Joined, PresenceMember Member, Subscriber? Except);
