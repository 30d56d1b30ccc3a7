using Akka.Actor;
using Broker.Core.Backplane;
using Broker.Core.Connections;

namespace Broker.Core.Topics;

/// <summary>
/// The topic registry's protocol. One registry per node owns a topic actor per subscription key (a concrete topic or a
/// wildcard pattern) that has local subscribers, and keeps the backplane subscribed to exactly those keys.
/// Replies go to the sender of the command.
/// </summary>
public static class TopicRegistry
{
    /// <summary>
    /// The registry actor. The host creates <paramref name="router"/>, starts <paramref name="backplane"/> with it as the
    /// sink, then creates this actor with both.
    /// </summary>
    public static Props Props(IBackplane backplane, TopicRouter router, PubSubSettings settings) =>
        Akka.Actor.Props.Create(() => new TopicRegistryActor(backplane, router, settings));

    /// <summary>Adds <paramref name="Subscriber"/> to <paramref name="Key"/> (idempotent); answered by <see cref="SubscribeAck"/> or <see cref="SubscribeRejected"/>.</summary>
    public sealed record Subscribe(string Key, Subscriber Subscriber);

    /// <summary>
    /// The subscriber is in the topic's published snapshot and the backplane is subscribed: every later publish reaches it.
    /// </summary>
    public sealed record SubscribeAck(string Key) : IHandlerMessage;

    /// <summary>
    /// The subscriber was not added: the backplane could not subscribe to <paramref name="Key"/>
    /// (<see cref="BackplaneUnavailable"/>), or the key is new and the node is at a cap (<see cref="TooManyTopics"/>,
    /// <see cref="TooManyPatterns"/>).
    /// </summary>
    public sealed record SubscribeRejected(string Key, string Reason) : IHandlerMessage;

    /// <summary><see cref="SubscribeRejected.Reason"/>: the backplane subscribe failed.</summary>
    public const string BackplaneUnavailable = "backplane_unavailable";

    /// <summary><see cref="SubscribeRejected.Reason"/>: the node holds <c>broker.limits.max-topics</c> keys.</summary>
    public const string TooManyTopics = "too_many_topics";

    /// <summary><see cref="SubscribeRejected.Reason"/>: the node holds <c>broker.limits.max-wildcard-patterns</c> patterns.</summary>
    public const string TooManyPatterns = "too_many_patterns";

    /// <summary>Removes <paramref name="Subscriber"/> from <paramref name="Key"/> (idempotent); answered by <see cref="UnsubscribeAck"/>.</summary>
    public sealed record Unsubscribe(string Key, Subscriber Subscriber);

    /// <summary>The subscriber no longer holds the key.</summary>
    public sealed record UnsubscribeAck(string Key) : IHandlerMessage;

    /// <summary>Lists the keys with local topic actors; answered by <see cref="TopicList"/>.</summary>
    public sealed class GetTopics
    {
        /// <summary>The only instance.</summary>
        public static readonly GetTopics Instance = new();

        private GetTopics()
        {
        }
    }

    /// <summary>The keys with local topic actors and their subscriber counts, ordered by key.</summary>
    public sealed record TopicList(IReadOnlyList<TopicInfo> Topics);
}
