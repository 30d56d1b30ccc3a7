using System.Collections.Concurrent;
using Akka.Actor;
using Broker.Core.Backplane;
using Broker.Core.Connections;
using Broker.Protocol.Client;

namespace Broker.Core.Topics;

/// <summary>
/// The backplane sink of a node: routes each delivered message straight to the topic actors of every matching
/// subscription key (the exact topic and each matching wildcard pattern), without passing through the registry actor,
/// so the registry never sits on the message path. The frame is encoded once per message per node and the same
/// <see cref="Connection.Deliver"/> instance goes to every matching key's actor, which hands it on to every subscriber.
/// The routing table is written only by the <see cref="TopicRegistry"/> actor and read concurrently by backplane threads.
/// </summary>
public sealed class TopicRouter : IBackplaneSink
{
    private readonly ConcurrentDictionary<string, IActorRef> _exact = new(StringComparer.Ordinal);
    private volatile PatternRoute[] _patterns = [];

    /// <inheritdoc />
    public void Deliver(string topic, long offset, ReadOnlyMemory<byte> data) =>
        Route(topic, (offset, data), static (topic, message) => Encode(topic, message.offset, message.data));

    /// <inheritdoc />
    public void Reset(string topic, string epoch) =>
        Route(topic, epoch, static (topic, epoch) =>
            new Connection.Deliver(new SharedFrame(ServerMessageWriter.EncodeResetFrame(topic, epoch))));

    // Encodes at most once, and only when some key matches (static lambdas: nothing allocated per call but the frame).
    private void Route<TState>(string topic, TState state, Func<string, TState, Connection.Deliver> encode)
    {
        Connection.Deliver? message = null;
        if (_exact.TryGetValue(topic, out var actor))
        {
            message = encode(topic, state);
            actor.Tell(message, ActorRefs.NoSender);
        }
        foreach (var route in _patterns)
        {
            if (!TopicPattern.Matches(route.Pattern, topic))
                continue;
            message ??= encode(topic, state);
            route.Actor.Tell(message, ActorRefs.NoSender);
        }
    }

    internal void Add(string key, IActorRef actor)
    {
        if (TopicName.IsPattern(key))
            _patterns = [.. _patterns, new PatternRoute(key, actor)];
        else
            _exact[key] = actor;
    }

    internal void Remove(string key, IActorRef actor)
    {
        if (TopicName.IsPattern(key))
            _patterns = Array.FindAll(_patterns, r => !(r.Pattern == key && r.Actor.Equals(actor)));
        else
            _exact.TryRemove(new KeyValuePair<string, IActorRef>(key, actor));
    }

    internal IActorRef? Find(string key)
    {
        if (_exact.TryGetValue(key, out var actor))
            return actor;
        return Array.Find(_patterns, r => r.Pattern == key)?.Actor;
    }

    private static Connection.Deliver Encode(string topic, long offset, ReadOnlyMemory<byte> data) =>
        new(new SharedFrame(ServerMessageWriter.EncodeMessageFrame(topic, offset, data.Span)));

    private sealed record PatternRoute(string Pattern, IActorRef Actor);
}
