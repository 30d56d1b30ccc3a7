using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;
using ActorSystemSettings = Akka.Actor.Settings;

namespace Broker.Core.Connections;

/// <summary>
/// The connection actor's mailbox. Akka's default queue (a ConcurrentQueue) starts with a 32-slot segment, about 1 KB
/// per actor, which an idle connection keeps for ever; this one holds one waiting message in a field and allocates a
/// queue only when more wait at once. Its producers are few (the read pump, replies, timers; fan-out does not go through the
/// mailbox), so one uncontended lock per message costs less than the memory saved on every idle connection.
/// Configured at <see cref="ConfigPath"/> (hocon/broker.hocon).
/// </summary>
public sealed class ConnectionMailbox(ActorSystemSettings settings, Config config)
    : MailboxType(settings, config), IProducesMessageQueue<ConnectionMailbox.Queue>
{
    /// <summary>Where broker.hocon configures this mailbox; connection actors' props name it.</summary>
    public const string ConfigPath = "akka.actor.broker-connection-mailbox";

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new Queue();

    /// <summary>
    /// An unbounded FIFO behind one lock (the queue's own monitor: no lock object per actor). One pending message, the
    /// usual case, sits in a field; a queue is allocated only when several wait at once.
    /// </summary>
    public sealed class Queue : IMessageQueue, IUnboundedMessageQueueSemantics
    {
        private Envelope _first;
        private bool _hasFirst;
        private Queue<Envelope>? _more;
        private int _count;

        public bool HasMessages => Volatile.Read(ref _count) > 0;

        public int Count => Volatile.Read(ref _count);

        public void Enqueue(IActorRef receiver, Envelope envelope)
        {
            lock (this)
            {
                // The field is the head of the line: it takes a message only while nothing else waits.
                if (_count == 0)
                {
                    _first = envelope;
                    _hasFirst = true;
                }
                else
                    (_more ??= new Queue<Envelope>(2)).Enqueue(envelope);
                _count++;
            }
        }

        public bool TryDequeue(out Envelope envelope)
        {
            if (Volatile.Read(ref _count) > 0)
            {
                lock (this)
                {
                    if (_hasFirst)
                    {
                        envelope = _first;
                        _first = default;
                        _hasFirst = false;
                        _count--;
                        return true;
                    }
                    if (_more is not null && _more.TryDequeue(out envelope))
                    {
                        _count--;
                        return true;
                    }
                }
            }
            envelope = default;
            return false;
        }

        public void CleanUp(IActorRef owner, IMessageQueue deadletters)
        {
            while (TryDequeue(out var envelope))
                deadletters.Enqueue(owner, envelope);
        }
    }
}
