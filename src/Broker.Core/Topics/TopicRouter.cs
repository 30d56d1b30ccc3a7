using System.Collections.Concurrent;
using Akka.Actor;
using Broker.Core.Backplane;
using Broker.Core.Connections;
using Broker.Core.Presence;
using Broker.Protocol.Client;

namespace Broker.Core.Topics;

/// <summary>
/// The backplane sink of a node: finds the route of every matching subscription key (the exact topic and each matching
/// wildcard pattern), encodes the frame once per message per node, and posts it to each shard that holds subscribers of
/// a matching key (<see cref="TopicRoute.Fan"/>). Neither the registry nor the topic actors sit on the message path.
/// The routing table is written only by the <see cref="TopicRegistry"/> actor and read concurrently by backplane threads.
/// </summary>
public sealed class TopicRouter : IBackplaneSink
{
    private readonly ConcurrentDictionary<string, TopicRoute> _exact = new(StringComparer.Ordinal);
    private readonly PatternIndex _patterns = new();

    /// <inheritdoc />
    public void Deliver(string topic, long offset, ReadOnlyMemory<byte> data) =>
        Route(topic, (offset, data), static (topic, message) => Encode(topic, message.offset, message.data));

    /// <inheritdoc />
    public void Reset(string topic, string epoch) =>
        Route(topic, epoch, static (topic, epoch) => new SharedFrame(ServerMessageWriter.EncodeResetFrame(topic, epoch)));

    /// <inheritdoc />
    public void Announce(string topic, PresenceEvent presence)
    {
        if (!_exact.TryGetValue(topic, out var route) || route.Groups.Length == 0)
            return;
        var (client, user) = presence.Member;
        route.Fan(new SharedFrame(ServerMessageWriter.EncodePresenceEventFrame(presence.Joined, topic, client, user))
        {
            ExceptClient = client,
        });
    }

    // Encodes at most once, and only when some key has subscribers (static lambdas: nothing allocated per call but the frame).
    private void Route<TState>(string topic, TState state, Func<string, TState, SharedFrame> encode)
    {
        var fan = new Fanner<TState>(topic, state, encode);
        if (_exact.TryGetValue(topic, out var route))
            fan.Visit(route);
        _patterns.Match(topic, ref fan);
    }

    internal void Add(TopicRoute route)
    {
        if (TopicName.IsPattern(route.Key))
            _patterns.Add(route);
        else
            _exact[route.Key] = route;
    }

    internal void Remove(TopicRoute route)
    {
        if (TopicName.IsPattern(route.Key))
            _patterns.Remove(route);
        else
            _exact.TryRemove(new KeyValuePair<string, TopicRoute>(route.Key, route));
    }

    internal IActorRef? Find(string key)
    {
        if (_exact.TryGetValue(key, out var route))
            return route.Actor;
        return _patterns.Find(key)?.Actor;
    }

    /// <summary>Wildcard patterns with a route on this node (read by the registry, the only writer).</summary>
    internal int PatternCount => _patterns.Count;

    // Fans the frame to every matching key with subscribers, encoding it on the first.
    private struct Fanner<TState>(string topic, TState state, Func<string, TState, SharedFrame> encode) : IRouteVisitor
    {
        private SharedFrame? _frame;

        public void Visit(TopicRoute route)
        {
            if (route.Groups.Length > 0)
                route.Fan(_frame ??= encode(topic, state));
        }
    }

    private static SharedFrame Encode(string topic, long offset, ReadOnlyMemory<byte> data) =>
        new(ServerMessageWriter.EncodeMessageFrame(topic, offset, data.Span));
}
