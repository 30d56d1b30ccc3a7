using Broker.Core.Connections;
using Broker.Core.Topics;
using Broker.Protocol.Client;

namespace Broker.Core.PubSub;

// Subscription state. A key is "held" from the client's subscribe until its unsubscribe (or until the registry rejects
// it); held keys count against max-subscriptions-per-connection. Subscribing to a held key again is idempotent: it is
// acknowledged, holds the key once, and one unsubscribe releases it (the topic actor keeps each subscriber once too).
// The registry answers one sender's commands for one key in the order sent, so each key keeps a FIFO of the ids
// still waiting for the registry's answer, and an ack goes out only after the topic actor confirmed.
public sealed partial class PubSubHandler
{
    private TopicSet _held;
    // Allocated on the first command that waits for the registry: idle connections do not carry it.
    private Dictionary<string, Queue<PendingReply>>? _pending;
    private int _pendingSubscribes;
    private int _heldPatterns;

    private void Subscribe(IConnectionContext connection, in ClientCommand command)
    {
        var key = command.Topic!;
        if (!TakeSubscribeToken(connection, command))
            return;
        var held = _held.Contains(key);
        // Over the node's outbound budget a new subscription would only add to what cannot be sent. Not the client's
        // fault, so not a violation.
        if (_services.Outbound is { IsOver: true })
        {
            Error(connection, command.Id.FirstSpanOrCopy(), ClientError.Overloaded,
                $"this node's outbound queues hold more than {_services.Outbound.MaxBytes} bytes; try again later");
            return;
        }
        if (!held && _held.Count >= _services.Settings.MaxSubscriptionsPerConnection)
        {
            Reject(connection, command.Id, ClientError.TooManySubscriptions,
                $"this connection already holds {_services.Settings.MaxSubscriptionsPerConnection} subscriptions");
            return;
        }
        if (!held && TopicName.IsPattern(key) && !CheckPattern(connection, command, key))
            return;
        Accepted();
        if (held && !IsPending(key))
        {
            if (command.HasId)
                Ack(connection, command.Id.FirstSpanOrCopy(), key, offset: null);
            return;
        }
        // The first subscribe of a concrete topic holds its live frames until the ack (with epoch and offset) is out.
        var holding = !held && !TopicName.IsPattern(key);
        if (holding)
            connection.HoldBack.Start(key);
        Hold(key);
        Await(key, new PendingReply(IsSubscribe: true, command.Id.CopyOrNull(), command.Since, holding));
        _services.Registry.Tell(new TopicRegistry.Subscribe(key, connection.Subscriber), connection.Self);
    }

    private void Unsubscribe(IConnectionContext connection, in ClientCommand command)
    {
        var key = command.Topic!;
        if (!TakeSubscribeToken(connection, command))
            return;
        Accepted();
        if (!Release(key) && !IsPending(key))
        {
            if (command.HasId)
                Ack(connection, command.Id.FirstSpanOrCopy(), key, offset: null);
            return;
        }
        Await(key, new PendingReply(IsSubscribe: false, command.Id.CopyOrNull()));
        _services.Registry.Tell(new TopicRegistry.Unsubscribe(key, connection.Subscriber), connection.Self);
    }

    private void OnSubscribed(IConnectionContext connection, string key)
    {
        EnterPresence(connection, key);
        var answered = Answered(key);
        if (!TopicName.IsPattern(key) && answered is { } reply)
        {
            ReadPosition(connection, key, reply);
            return;
        }
        if (answered is { Id: { } id })
            Ack(connection, id, key, offset: null);
        PublishDeferred(connection);
    }

    private void OnUnsubscribed(IConnectionContext connection, string key)
    {
        LeavePresence(key);
        if (Answered(key) is { Id: { } id })
            Ack(connection, id, key, offset: null);
    }

    // Nothing was subscribed; the key stays held only if the client asked again meanwhile (that answer is still to come).
    private void OnSubscribeRejected(IConnectionContext connection, string key, string reason)
    {
        var answered = Answered(key);
        if (answered is { Holding: true })
            connection.HoldBack.Cancel(key);
        if (!IsPending(key, subscribeOnly: true))
            Release(key);
        var settings = _services.Settings;
        var (error, message) = reason switch
        {
            TopicRegistry.TooManyTopics => (ClientError.TooManySubscriptions,
                $"this node already has {settings.MaxTopics} topics; {key} is not one of them"),
            TopicRegistry.TooManyPatterns => (ClientError.TooManySubscriptions,
                $"this node already has {settings.MaxWildcardPatterns} wildcard patterns; {key} is not one of them"),
            _ => (ClientError.BackplaneUnavailable, $"the backplane could not subscribe to {key}; try again"),
        };
        Error(connection, answered?.Id, error, message);
        PublishDeferred(connection);
    }

    // The server lets go of a held key (not the client's own unsubscribe): awaited without an id, so the registry's
    // answer keeps the key's FIFO of replies in step. False when the key was not held.
    private bool DropHeld(IConnectionContext connection, string key)
    {
        if (!Release(key))
            return false;
        Await(key, new PendingReply(IsSubscribe: false, Id: null));
        _services.Registry.Tell(new TopicRegistry.Unsubscribe(key, connection.Subscriber), connection.Self);
        return true;
    }

    private void UnsubscribeAll(IConnectionContext connection)
    {
        foreach (var key in _held.Items)
            _services.Registry.Tell(new TopicRegistry.Unsubscribe(key, connection.Subscriber), connection.Self);
        _held.Clear();
        _heldPatterns = 0;
        LeaveAllPresence();
    }

    // Subscribes and unsubscribes share one bucket (broker.limits.subscribe-rate): each new key may start a topic actor
    // and a backplane subscription, so churn is bounded per connection before it reaches the node-wide registry.
    private bool TakeSubscribeToken(IConnectionContext connection, in ClientCommand command)
    {
        var settings = _services.Settings;
        if (settings.SubscribeRate is null || _subscribeBucket.TryTake())
            return true;
        Reject(connection, command.Id, ClientError.RateLimited,
            $"more than {settings.SubscribeRate} subscribes and unsubscribes per second (burst {settings.SubscribeBurst})");
        return false;
    }

    // Wildcard patterns cost every publish on the node a match, so they have their own caps.
    private bool CheckPattern(IConnectionContext connection, in ClientCommand command, string pattern)
    {
        var settings = _services.Settings;
        var wildcards = 0;
        foreach (var segment in pattern.AsSpan().Split('.'))
        {
            if (pattern.AsSpan(segment) is "*" or ">")
                wildcards++;
        }
        if (wildcards > settings.MaxWildcardSegments)
        {
            Reject(connection, command.Id, ClientError.BadTopic,
                $"a pattern may have at most {settings.MaxWildcardSegments} wildcard segments");
            return false;
        }
        if (_heldPatterns >= settings.MaxWildcardSubscriptionsPerConnection)
        {
            Reject(connection, command.Id, ClientError.TooManySubscriptions,
                $"this connection already holds {settings.MaxWildcardSubscriptionsPerConnection} wildcard subscriptions");
            return false;
        }
        return true;
    }

    private void Hold(string key)
    {
        if (_held.Add(key) && TopicName.IsPattern(key))
            _heldPatterns++;
    }

    private bool Release(string key)
    {
        if (!_held.Remove(key))
            return false;
        if (TopicName.IsPattern(key))
            _heldPatterns--;
        return true;
    }

    private void Await(string key, PendingReply reply)
    {
        _pending ??= new Dictionary<string, Queue<PendingReply>>(StringComparer.Ordinal);
        if (!_pending.TryGetValue(key, out var queue))
            _pending.Add(key, queue = new Queue<PendingReply>(1));
        queue.Enqueue(reply);
        if (reply.IsSubscribe)
            _pendingSubscribes++;
    }

    private PendingReply? Answered(string key)
    {
        if (_pending is null || !_pending.TryGetValue(key, out var queue) || !queue.TryDequeue(out var reply))
            return null;
        if (queue.Count == 0 && _pending.Remove(key) && _pending.Count == 0)
            _pending = null; // an idle connection keeps no empty table (most connections subscribe once and go quiet)
        if (reply.IsSubscribe)
            _pendingSubscribes--;
        return reply;
    }

    private bool IsPending(string key, bool subscribeOnly = false)
    {
        if (_pending is null || !_pending.TryGetValue(key, out var queue))
            return false;
        if (!subscribeOnly)
            return true;
        foreach (var reply in queue)
            if (reply.IsSubscribe)
                return true;
        return false;
    }

    private readonly record struct PendingReply(bool IsSubscribe, byte[]? Id, StreamPosition? Since = null, bool Holding = false);
}
