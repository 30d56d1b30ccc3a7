using Akka.Actor;
using Broker.Core.Connections;
using Broker.Core.Shards;

namespace Broker.Core.Topics;

// One per subscription key with local subscribers. Owns the key's membership and publishes it, grouped by shard, as the
// immutable snapshot in its TopicRoute that the router fans out from (the actor is not on the message path). An ack goes
// out only after the snapshot holding the change is visible, so every later publish reaches a new subscriber and none
// reaches one that was told it left. Subscribers are not watched: a connection unsubscribes everything when it stops.
// Asks the registry to stop it after an idle TTL without subscribers. Its route is left as it was when it stopped: the
// registry reads the members from it (a crash re-subscribes them to a fresh actor), then empties and removes it.
internal sealed class TopicActor : ReceiveActor, IWithTimers
{
    private const string IdleTimer = "idle";

    private readonly string _key;
    private readonly SubscriberCount _count;
    private readonly TimeSpan _idleTtl;
    private readonly TopicRoute _route;
    private readonly TopicRegistry.SubscribeAck _subscribeAck;
    private readonly TopicRegistry.UnsubscribeAck _unsubscribeAck;
    // Per shard: a dense list (copied into the snapshot) plus each member's index for O(1) swap-removal.
    private readonly Dictionary<Shard, List<Subscriber>> _byShard = [];
    private readonly Dictionary<Subscriber, int> _indexes = [];

    public TopicActor(string key, SubscriberCount count, TimeSpan idleTtl, TopicRoute route)
    {
        _key = key;
        _count = count;
        _idleTtl = idleTtl;
        _route = route;
        _subscribeAck = new TopicRegistry.SubscribeAck(key);
        _unsubscribeAck = new TopicRegistry.UnsubscribeAck(key);

        Receive<TopicRegistry.Subscribe>(OnSubscribe);
        Receive<TopicRegistry.Unsubscribe>(OnUnsubscribe);
        Receive<Topic.IdleTick>(_ => OnIdle());
        Receive<Topic.Stop>(_ => OnStop());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartSingleTimer(IdleTimer, Topic.IdleTick.Instance, _idleTtl);

    private void OnSubscribe(TopicRegistry.Subscribe subscribe)
    {
        var subscriber = subscribe.Subscriber;
        if (!_indexes.ContainsKey(subscriber))
        {
            if (!_byShard.TryGetValue(subscriber.Shard, out var members))
                _byShard.Add(subscriber.Shard, members = []);
            _indexes.Add(subscriber, members.Count);
            members.Add(subscriber);
            Changed(subscriber.Shard);
        }
        Sender.Tell(_subscribeAck);
    }

    private void OnUnsubscribe(TopicRegistry.Unsubscribe unsubscribe)
    {
        var subscriber = unsubscribe.Subscriber;
        if (_indexes.Remove(subscriber, out var index))
        {
            var members = _byShard[subscriber.Shard];
            var last = members.Count - 1;
            if (index != last)
            {
                members[index] = members[last];
                _indexes[members[index]] = index;
            }
            members.RemoveAt(last);
            Changed(subscriber.Shard);
        }
        Sender.Tell(_unsubscribeAck);
    }

    // Rebuilds the changed shard's group (the others are reused) and publishes the new snapshot before any ack.
    private void Changed(Shard shard)
    {
        var old = _route.Groups;
        var groups = new List<ShardGroup>(old.Length + 1);
        foreach (var group in old)
            if (group.Shard != shard)
                groups.Add(group);
        if (_byShard[shard] is { Count: > 0 } members)
            groups.Add(new ShardGroup(shard, [.. members]));
        _route.Groups = [.. groups];

        _count.Value = _indexes.Count;
        if (_indexes.Count == 0)
            Timers.StartSingleTimer(IdleTimer, Topic.IdleTick.Instance, _idleTtl);
        else if (_indexes.Count == 1)
            Timers.Cancel(IdleTimer);
    }

    private void OnIdle()
    {
        if (_indexes.Count == 0)
            Context.Parent.Tell(new Topic.Passivate(_key));
    }

    private void OnStop()
    {
        // A subscribe the registry forwarded before it saw our Passivate arrives before Stop (same sender, FIFO).
        if (_indexes.Count == 0)
            Context.Stop(Self);
        else
            Context.Parent.Tell(new Topic.StopCancelled(_key));
    }
}
