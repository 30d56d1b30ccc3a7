using Akka.Actor;
using Akka.Dispatch.MessageQueues;
using Broker.Core.Connections;

namespace Broker.Core.Tests.Connections;

public class ConnectionMailboxTests
{
    [Fact]
    public async Task Queue_ConcurrentProducers_EveryMessageOnceInEachProducersOrder()
    {
        var queue = new ConnectionMailbox.Queue();
        const int producers = 4, perProducer = 20_000;
        var received = new List<(int Producer, int Sequence)>();
        var consumer = Task.Run(() =>
        {
            while (received.Count < producers * perProducer)
                if (queue.TryDequeue(out var envelope))
                    received.Add(((int Producer, int Sequence))envelope.Message);
        });

        await Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < perProducer; i++)
                queue.Enqueue(ActorRefs.Nobody, new Envelope((p, i), ActorRefs.NoSender));
        })));
        await consumer.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(queue.HasMessages);
        Assert.Equal(0, queue.Count);
        foreach (var group in received.GroupBy(m => m.Producer))
            Assert.Equal(Enumerable.Range(0, perProducer), group.Select(m => m.Sequence));
    }

    [Fact]
    public void Queue_EnqueuesWhileOthersWait_StaysFirstInFirstOut()
    {
        // The first waiting message sits in a field, the rest in a queue: order must hold across the two.
        var queue = new ConnectionMailbox.Queue();
        var taken = new List<object>();
        void Put(string message) => queue.Enqueue(ActorRefs.Nobody, new Envelope(message, ActorRefs.NoSender));
        void Take()
        {
            Assert.True(queue.TryDequeue(out var envelope));
            taken.Add(envelope.Message);
        }

        Put("a");
        Put("b");
        Take();
        Put("c");
        Take();
        Put("d");
        Take();
        Take();
        Put("e");
        Take();

        Assert.Equal(["a", "b", "c", "d", "e"], taken);
        Assert.False(queue.TryDequeue(out _));
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void CleanUp_Pending_MovedToDeadLettersInOrder()
    {
        var queue = new ConnectionMailbox.Queue();
        var deadLetters = new UnboundedMessageQueue();
        queue.Enqueue(ActorRefs.Nobody, new Envelope("a", ActorRefs.NoSender));
        queue.Enqueue(ActorRefs.Nobody, new Envelope("b", ActorRefs.NoSender));

        queue.CleanUp(ActorRefs.Nobody, deadLetters);

        Assert.False(queue.TryDequeue(out _));
        Assert.True(deadLetters.TryDequeue(out var first));
        Assert.True(deadLetters.TryDequeue(out var second));
        Assert.Equal(["a", "b"], new[] { first.Message, second.Message });
    }
}
