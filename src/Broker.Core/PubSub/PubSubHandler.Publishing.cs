using System.Buffers;
using Akka.Actor;
using Akka.Event;
using Broker.Core.Connections;
using Broker.Protocol.Client;

namespace Broker.Core.PubSub;

// Publishing: the data is copied out of the frame once, into the immutable array every node and subscriber shares;
// the ack (with the offset) goes out only after the backplane accepted the message, and the actor never waits for it.
// One connection's commands take effect in the order sent: a publish that arrives while a subscribe of this connection
// still waits for the registry is held until every pending subscribe is answered, so a client that pipelines
// subscribe + publish receives its own message.
// A publish is in flight from its parse until its ack or error is written, held or not; at max-publishes-in-flight (or
// max-publish-bytes-in-flight) the connection stops reading its socket until a reply goes out, which also bounds the
// queue of held publishes. The client feels TCP backpressure; the node queues nothing more for it.
public sealed partial class PubSubHandler
{
    // Allocated only when a publish has to wait behind a subscribe.
    private Queue<DeferredPublish>? _deferred;
    private int _inFlight;
    private long _inFlightBytes;
    private bool _readPaused;

    private void Publish(IConnectionContext connection, in ClientCommand command)
    {
        var settings = _services.Settings;
        if (_services.Publisher.CheckSize(command.Data.Length) is { } tooLarge)
        {
            Reject(connection, command.Id, ClientError.MessageTooLarge, tooLarge);
            return;
        }
        if (settings.PublishRate is not null && !_bucket.TryTake())
        {
            _services.Traffic.RateLimited.Increment("publish");
            Reject(connection, command.Id, ClientError.RateLimited,
                $"more than {settings.PublishRate} publishes per second (burst {settings.PublishBurst})");
            return;
        }
        Accepted();
        var data = command.Data.ToArray();
        _inFlight++;
        _inFlightBytes += data.Length;
        _services.Traffic.PublishesInFlight.Increment();
        if (_pendingSubscribes > 0 || _positioning > 0 || _deferred is { Count: > 0 })
            (_deferred ??= new Queue<DeferredPublish>()).Enqueue(new DeferredPublish(command.Topic!, command.Id.CopyOrNull(), data));
        else
            Send(connection, command.Topic!, command.Id.FirstSpanOrCopy(), data);
        // After the send: a backplane that answers at once has already taken this one out of flight.
        if (!_readPaused && (_inFlight >= settings.MaxPublishesInFlight || _inFlightBytes >= settings.MaxPublishBytesInFlight))
        {
            _readPaused = true;
            _services.Traffic.ReadPauses.Increment();
            connection.PauseReading();
        }
    }

    // The reply for one publish is written (or will not be): it leaves flight, and reading resumes below the caps.
    private void Landed(IConnectionContext connection, int bytes)
    {
        _inFlight--;
        _inFlightBytes -= bytes;
        _services.Traffic.PublishesInFlight.Add(-1);
        var settings = _services.Settings;
        if (_readPaused && _inFlight < settings.MaxPublishesInFlight && _inFlightBytes < settings.MaxPublishBytesInFlight)
        {
            _readPaused = false;
            connection.ResumeReading();
        }
    }

    // The connection stopped: replies still to come go to dead letters and held publishes are dropped, so none of them
    // is in flight on this node any more.
    private void LeaveFlight()
    {
        _services.Traffic.PublishesInFlight.Add(-_inFlight);
        _inFlight = 0;
        _inFlightBytes = 0;
        _deferred = null;
    }

    private void PublishDeferred(IConnectionContext connection)
    {
        while (_pendingSubscribes == 0 && _positioning == 0 && _deferred is not null && _deferred.TryDequeue(out var publish))
            Send(connection, publish.Topic, publish.Id, publish.Data);
    }

    // id: the raw JSON id, empty when the command had none (no ack then). It is copied only when the answer comes later.
    private void Send(IConnectionContext connection, string topic, ReadOnlySpan<byte> id, byte[] data)
    {
        var publish = _services.Publisher.PublishAsync(topic, data);
        // The in-memory backplane completes at once: answer without a round trip through the mailbox.
        if (publish.IsCompletedSuccessfully)
        {
            OnPublished(connection, topic, id, publish.Result, data.Length);
            return;
        }
        _ = AnswerLater(publish, connection.Self, topic, id.IsEmpty ? null : id.ToArray(), data.Length);
    }

    // What PipeTo did, without its closure and delegate per publish: one state machine, then the message the actor
    // handles. Without a cancellation token the publish never faults: a failure is its outcome.
    private static async Task AnswerLater(ValueTask<PublishOutcome> publish, IActorRef self, string topic, byte[]? id,
        int bytes) =>
        self.Tell(new PubSub.Published(topic, id, await publish.ConfigureAwait(false), bytes));

    private void OnPublished(IConnectionContext connection, string topic, ReadOnlySpan<byte> id, PublishOutcome outcome,
        int bytes)
    {
        if (outcome.IsPublished)
        {
            if (!id.IsEmpty)
                Ack(connection, id, topic, outcome.Offset);
        }
        else
        {
            if (outcome.IsUnexpected)
                connection.ActorContext.GetLogger().Error(outcome.Failure, "Publish failed unexpectedly");
            Error(connection, id, ClientError.BackplaneUnavailable, PublishOutcome.FailureMessage);
        }
        Landed(connection, bytes);
    }

    private sealed record DeferredPublish(string Topic, byte[]? Id, byte[] Data);
}
