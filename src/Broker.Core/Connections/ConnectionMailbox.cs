using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;
using ActorSystemSettings = Akka.Actor.Settings;

namespace Broker.Core.Connections;

/// <summary>
/// The connection actor's mailbox. Akka's default queue (a ConcurrentQueue) starts with a 32-slot segment, about 1 KB
/// per actor, which an idle connection keeps for ever; this one allocates nothing until the first message and then a
/// queue that grows with need. Its producers are few (the read pump, replies, timers; fan-out does not go through the
/// mailbox), so one uncontended lock per message costs less than the memory saved on every idle connection.
/// Configured at <see cref="ConfigPath"/> (hocon/broker.hocon).
/// </summary>
public sealed class ConnectionMailbox(ActorSystemSettings settings, Config config)
    : MailboxType(settings, config), IProducesMessageQueue<ConnectionMailbox.Queue>
{
    /// <summary>Where broker.hocon configures this mailbox; connection actors' props name it.</summary>
    public const string ConfigPath = "akka.actor.broker-connection-mailbox";

    public override IMessageQueue Create(IActorRef owner, ActorSystem system) => new Queue();

    /// <summary>An unbounded FIFO behind one lock, allocated on first use.</summary>
    public sealed class Queue : IMessageQueue, IUnboundedMessageQueueSemantics
    {
        private readonly Lock _lock = new();
        private Queue<Envelope>? _envelopes;
        private int _count;

        public bool HasMessages => Volatile.Read(ref _count) > 0;

        public int Count => Volatile.Read(ref _count);

        public void Enqueue(IActorRef receiver, Envelope envelope)
        {
            lock (_lock)
            {
                (_envelopes ??= new Queue<Envelope>(2)).Enqueue(envelope);
                _count++;
            }
        }

        public bool TryDequeue(out Envelope envelope)
        {
            if (Volatile.Read(ref _count) > 0)
            {
                lock (_lock)
                {
                    if (_envelopes is not null && _envelopes.TryDequeue(out envelope))
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
