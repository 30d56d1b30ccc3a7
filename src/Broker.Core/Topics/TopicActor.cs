using System.Runtime.InteropServices;
using Akka.Actor;
using Broker.Core.Connections;

namespace Broker.Core.Topics;

// One per subscription key with local subscribers. Hands every delivered frame (built once per node by TopicRouter)
// to each subscriber, watches subscribers so a dropped connection never leaks, and asks the registry to stop it after
// an idle TTL without subscribers.
internal sealed class TopicActor : ReceiveActor, IWithTimers
{
    private const string IdleTimer = "idle";

    private readonly string _key;
    private readonly SubscriberCount _count;
    private readonly TimeSpan _idleTtl;
    private readonly TopicRegistry.SubscribeAck _subscribeAck;
    private readonly TopicRegistry.UnsubscribeAck _unsubscribeAck;
    // Dense list for the fan-out loop plus index for O(1) swap-removal: big topics churn subscribers too.
    private readonly List<IActorRef> _subscribers = [];
    private readonly Dictionary<IActorRef, int> _indexes = [];

    public TopicActor(string key, SubscriberCount count, TimeSpan idleTtl)
    {
        _key = key;
        _count = count;
        _idleTtl = idleTtl;
        _subscribeAck = new TopicRegistry.SubscribeAck(key);
        _unsubscribeAck = new TopicRegistry.UnsubscribeAck(key);

        Receive<Connection.Deliver>(Fan);
        Receive<TopicRegistry.Subscribe>(OnSubscribe);
        Receive<TopicRegistry.Unsubscribe>(OnUnsubscribe);
        Receive<Terminated>(t => Remove(t.ActorRef));
        Receive<Topic.IdleTick>(_ => OnIdle());
        Receive<Topic.Stop>(_ => OnStop());
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart() => Timers.StartSingleTimer(IdleTimer, Topic.IdleTick.Instance, _idleTtl);

    private void Fan(Connection.Deliver deliver)
    {
        // The same Deliver (and SharedFrame) instance goes to everyone: encoded once, immutable.
        foreach (var subscriber in CollectionsMarshal.AsSpan(_subscribers))
            subscriber.Tell(deliver, ActorRefs.NoSender);
    }

    private void OnSubscribe(TopicRegistry.Subscribe subscribe)
    {
        if (_indexes.TryAdd(subscribe.Subscriber, _subscribers.Count))
        {
            _subscribers.Add(subscribe.Subscriber);
            Context.Watch(subscribe.Subscriber);
            CountChanged();
        }
        Sender.Tell(_subscribeAck);
    }

    private void OnUnsubscribe(TopicRegistry.Unsubscribe unsubscribe)
    {
        if (Remove(unsubscribe.Subscriber))
            Context.Unwatch(unsubscribe.Subscriber);
        Sender.Tell(_unsubscribeAck);
    }

    private bool Remove(IActorRef subscriber)
    {
        if (!_indexes.Remove(subscriber, out var index))
            return false;
        var last = _subscribers.Count - 1;
        if (index != last)
        {
            _subscribers[index] = _subscribers[last];
            _indexes[_subscribers[index]] = index;
        }
        _subscribers.RemoveAt(last);
        CountChanged();
        return true;
    }

    private void CountChanged()
    {
        _count.Value = _subscribers.Count;
        if (_subscribers.Count == 0)
            Timers.StartSingleTimer(IdleTimer, Topic.IdleTick.Instance, _idleTtl);
        else if (_subscribers.Count == 1)
            Timers.Cancel(IdleTimer);
    }

    private void OnIdle()
    {
        if (_subscribers.Count == 0)
            Context.Parent.Tell(new Topic.Passivate(_key));
    }

    private void OnStop()
    {
        // A subscribe the registry forwarded before it saw our Passivate arrives before Stop (same sender, FIFO).
        if (_subscribers.Count == 0)
            Context.Stop(Self);
        else
            Context.Parent.Tell(new Topic.StopCancelled(_key));
    }
}
