using Akka.Actor;
using Akka.Event;
using Broker.Core.Backplane;
using Broker.Protocol.Client;

namespace Broker.Core.Topics;

// Owns one TopicActor per subscription key and the backplane subscription for it. Each key moves through
//   Subscribing (backplane SubscribeAsync in flight) -> Active (actor running, commands forwarded)
//   -> Stopping (actor asked to stop after its idle TTL) -> Unsubscribing (backplane UnsubscribeAsync in flight) -> gone.
// Outside Active, commands for the key are buffered in arrival order and replayed once the key is Active again, so a
// subscribe racing the passivation is never lost, and the backplane never sees Subscribe/Unsubscribe for one key overlap.
internal sealed class TopicRegistryActor : ReceiveActor
{
    private readonly IBackplane _backplane;
    private readonly TopicRouter _router;
    private readonly PubSubSettings _settings;
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, TopicRoute> _routes = [];
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private int _patternEntries;

    public TopicRegistryActor(IBackplane backplane, TopicRouter router, PubSubSettings settings)
    {
        _backplane = backplane;
        _router = router;
        _settings = settings;

        Receive<TopicRegistry.Subscribe>(s => OnCommand(s.Key, s, isSubscribe: true));
        Receive<TopicRegistry.Unsubscribe>(u => OnCommand(u.Key, u, isSubscribe: false));
        Receive<TopicRegistry.GetTopics>(_ => Sender.Tell(ListTopics()));
        Receive<BackplaneSubscribed>(OnBackplaneSubscribed);
        Receive<BackplaneSubscribeFailed>(OnBackplaneSubscribeFailed);
        Receive<BackplaneUnsubscribed>(OnBackplaneUnsubscribed);
        Receive<Topic.Passivate>(OnPassivate);
        Receive<Topic.StopCancelled>(OnStopCancelled);
        Receive<Terminated>(OnTerminated);
    }

    // A topic actor that throws is stopped, not restarted: a restart would silently drop its subscriber list.
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;

    // Topic actors are children and stop with the registry (also on a restart): drop their routes so the sink does not
    // keep telling dead actors, and so a restarted registry starts from an empty table.
    protected override void PostStop()
    {
        foreach (var route in _routes.Values)
        {
            route.Groups = [];
            _router.Remove(route);
        }
    }

    private void OnCommand(string key, object command, bool isSubscribe)
    {
        if (_entries.TryGetValue(key, out var entry))
        {
            if (entry.State == State.Active)
                entry.Actor!.Forward(command);
            else
                entry.Pending.Add(new PendingCommand(command, Sender));
            return;
        }
        if (!isSubscribe)
        {
            Sender.Tell(new TopicRegistry.UnsubscribeAck(key));
            return;
        }
        if (AtCapacity(key) is { } reason)
        {
            Sender.Tell(new TopicRegistry.SubscribeRejected(key, reason));
            return;
        }
        entry = new Entry();
        entry.Pending.Add(new PendingCommand(command, Sender));
        _entries.Add(key, entry);
        if (TopicName.IsPattern(key))
            _patternEntries++;
        SubscribeBackplane(key, entry);
    }

    // Node-wide caps on new keys (broker.limits.max-topics, max-wildcard-patterns): every key costs a topic actor and a
    // backplane subscription, every pattern a branch that each publish on the node may walk. Counted over entries in
    // every state, so keys still being unsubscribed from the backplane count until they are gone.
    private string? AtCapacity(string key)
    {
        if (_entries.Count >= _settings.MaxTopics)
            return TopicRegistry.TooManyTopics;
        return TopicName.IsPattern(key) && _patternEntries >= _settings.MaxWildcardPatterns
            ? TopicRegistry.TooManyPatterns
            : null;
    }

    private void RemoveEntry(string key)
    {
        if (_entries.Remove(key) && TopicName.IsPattern(key))
            _patternEntries--;
    }

    private void SubscribeBackplane(string key, Entry entry)
    {
        entry.State = State.Subscribing;
        Start(() => _backplane.SubscribeAsync(key)).PipeTo(Self,
            success: () => new BackplaneSubscribed(key),
            failure: e => new BackplaneSubscribeFailed(key, e));
    }

    private void OnBackplaneSubscribed(BackplaneSubscribed message)
    {
        if (!_entries.TryGetValue(message.Key, out var entry) || entry.State != State.Subscribing)
            return;
        StartActor(message.Key, entry);
    }

    private void OnBackplaneSubscribeFailed(BackplaneSubscribeFailed message)
    {
        if (!_entries.TryGetValue(message.Key, out var entry) || entry.State != State.Subscribing)
            return;
        _log.Warning(message.Cause, "Backplane subscribe to {0} failed; rejecting {1} pending commands", message.Key,
            entry.Pending.Count);
        RemoveEntry(message.Key);
        foreach (var pending in entry.Pending)
        {
            object reply = pending.Command is TopicRegistry.Subscribe
                ? new TopicRegistry.SubscribeRejected(message.Key, TopicRegistry.BackplaneUnavailable)
                : new TopicRegistry.UnsubscribeAck(message.Key);
            pending.Sender.Tell(reply);
        }
    }

    private void OnPassivate(Topic.Passivate message)
    {
        if (!_entries.TryGetValue(message.Key, out var entry) || entry.State != State.Active || !entry.Actor!.Equals(Sender))
            return;
        entry.State = State.Stopping;
        Sender.Tell(Topic.Stop.Instance);
    }

    private void OnStopCancelled(Topic.StopCancelled message)
    {
        if (!_entries.TryGetValue(message.Key, out var entry) || entry.State != State.Stopping || !entry.Actor!.Equals(Sender))
            return;
        entry.State = State.Active;
        Replay(entry);
    }

    private void OnTerminated(Terminated terminated)
    {
        if (!_routes.Remove(terminated.ActorRef, out var route) || !_entries.TryGetValue(route.Key, out var entry))
            return;
        var key = route.Key;
        var groups = route.Groups;
        route.Groups = [];
        _router.Remove(route);
        entry.Actor = null;
        entry.Count.Value = 0;
        if (entry.State != State.Stopping)
            Resubscribe(key, entry, groups);
        if (entry.Pending.Exists(p => p.Command is TopicRegistry.Subscribe))
        {
            // Subscribes arrived while it stopped: the backplane is still subscribed, so start a fresh actor at once.
            StartActor(key, entry);
            return;
        }
        AckPendingUnsubscribes(key, entry);
        entry.State = State.Unsubscribing;
        Start(() => _backplane.UnsubscribeAsync(key)).PipeTo(Self,
            success: () => new BackplaneUnsubscribed(key, null),
            failure: e => new BackplaneUnsubscribed(key, e));
    }

    // A topic actor that threw lost its membership, but its last published snapshot still names every subscriber (the
    // connections still hold the key and would otherwise be acked as subscribed while nothing arrives): they are
    // subscribed again, ahead of any command that waited, to the fresh actor started next. Their acks go nowhere; a
    // message published while no actor existed is not delivered, as for any gap a subscriber can recover with since.
    private void Resubscribe(string key, Entry entry, ShardGroup[] groups)
    {
        var resubscribes = new List<PendingCommand>();
        foreach (var group in groups)
            foreach (var member in group.Members)
                resubscribes.Add(new PendingCommand(new TopicRegistry.Subscribe(key, member), Context.System.DeadLetters));
        entry.Pending.InsertRange(0, resubscribes);
        _log.Warning("Topic actor for {0} stopped unexpectedly; re-subscribing its {1} subscribers to a fresh one", key,
            resubscribes.Count);
    }

    private void OnBackplaneUnsubscribed(BackplaneUnsubscribed message)
    {
        if (!_entries.TryGetValue(message.Key, out var entry) || entry.State != State.Unsubscribing)
            return;
        if (message.Cause is not null)
            _log.Warning(message.Cause, "Backplane unsubscribe from {0} failed", message.Key);
        if (entry.Pending.Exists(p => p.Command is TopicRegistry.Subscribe))
        {
            SubscribeBackplane(message.Key, entry);
            return;
        }
        AckPendingUnsubscribes(message.Key, entry);
        RemoveEntry(message.Key);
    }

    private void StartActor(string key, Entry entry)
    {
        var route = new TopicRoute(key);
        var actor = Context.ActorOf(Topic.Props(key, entry.Count, _settings.TopicIdleTtl, route));
        route.Actor = actor;
        Context.Watch(actor);
        _routes[actor] = route;
        _router.Add(route);
        entry.Actor = actor;
        entry.State = State.Active;
        Replay(entry);
    }

    // A backplane that throws before returning its task must not crash the registry: treat it as a failed task.
    private static Task Start(Func<Task> operation)
    {
        try
        {
            return operation();
        }
        catch (Exception e)
        {
            return Task.FromException(e);
        }
    }

    private static void Replay(Entry entry)
    {
        foreach (var pending in entry.Pending)
            entry.Actor!.Tell(pending.Command, pending.Sender);
        entry.Pending.Clear();
    }

    // With no subscriber and no actor, an unsubscribe has nothing to remove: it is acknowledged (idempotent).
    private static void AckPendingUnsubscribes(string key, Entry entry)
    {
        foreach (var pending in entry.Pending)
            pending.Sender.Tell(new TopicRegistry.UnsubscribeAck(key));
        entry.Pending.Clear();
    }

    private TopicRegistry.TopicList ListTopics()
    {
        var topics = new List<TopicInfo>(_entries.Count);
        foreach (var (key, entry) in _entries)
            if (entry.Actor is not null)
                topics.Add(new TopicInfo(key, entry.Count.Value));
        topics.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new TopicRegistry.TopicList(topics);
    }

    private enum State
    {
        Subscribing,
        Active,
        Stopping,
        Unsubscribing,
    }

    private sealed class Entry
    {
        public State State;
        public IActorRef? Actor;
        public readonly SubscriberCount Count = new();
        public readonly List<PendingCommand> Pending = [];
    }

    private sealed record PendingCommand(object Command, IActorRef Sender);

    private sealed record BackplaneSubscribed(string Key);

    private sealed record BackplaneSubscribeFailed(string Key, Exception Cause);

    private sealed record BackplaneUnsubscribed(string Key, Exception? Cause);
}
