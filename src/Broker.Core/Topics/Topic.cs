using Akka.Actor;

namespace Broker.Core.Topics;

// The topic actor's internal protocol: the passivation handshake with the registry. Subscribers use TopicRegistry's
// commands, which the registry forwards (keeping the sender) to the actor for the key.
internal static class Topic
{
    public static Props Props(string key, SubscriberCount count, TimeSpan idleTtl, TopicRoute route) =>
        Akka.Actor.Props.Create(() => new TopicActor(key, count, idleTtl, route));

    // Actor -> registry: empty for a whole TTL, please stop me.
    public sealed record Passivate(string Key);

    // Registry -> actor: from now on the registry buffers commands for the key; stop if still empty.
    public sealed class Stop
    {
        public static readonly Stop Instance = new();
    }

    // Actor -> registry: a subscribe forwarded before the Passivate arrived; the actor stays, send the buffer on.
    public sealed record StopCancelled(string Key);

    public sealed class IdleTick
    {
        public static readonly IdleTick Instance = new();
    }
}
