using System.IO.Pipelines;
using System.Threading.Tasks.Sources;
using Akka.Actor;
using Akka.Dispatch;

namespace Broker.Core.Connections;

/// <summary>
/// Reads the socket and hands each buffer to the connection actor without copying, then waits for the actor's answer
/// before AdvanceTo: zero-copy parsing in the actor and natural backpressure (never reads ahead of the actor).
/// The wait is an allocation-free reusable value-task source.
/// </summary>
internal sealed class ReadPump(PipeReader reader, IActorRef actor) : IValueTaskSource<bool>, IRunnable
{
    private ManualResetValueTaskSourceCore<bool> _reply = new() { RunContinuationsAsynchronously = true };
    private SequencePosition _consumed;
    private int _waiting;
    private int _stopped;

    public async Task RunAsync()
    {
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                if (result.IsCanceled)
                    return;
                var buffer = result.Buffer;
                _reply.Reset();
                Interlocked.Exchange(ref _waiting, 1);
                // Dekker-style handshake with Stop(): either we see the stop here, or Stop sees _waiting and answers.
                if (Volatile.Read(ref _stopped) == 1 && Interlocked.Exchange(ref _waiting, 0) == 1)
                    return;
                actor.Tell(new Connection.BytesReceived(buffer, result.IsCompleted, this));
                if (!await new ValueTask<bool>(this, _reply.Version))
                    return;
                reader.AdvanceTo(_consumed, buffer.End);
                if (result.IsCompleted)
                    return;
            }
        }
        catch (Exception e)
        {
            // The pump is the boundary between the socket and the actor: whatever broke the read ends the connection.
            actor.Tell(new Connection.TransportFailed(e.Message));
        }
        finally
        {
            await reader.CompleteAsync();
        }
    }

    /// <summary>Called by the actor: it parsed up to <paramref name="consumed"/>; the pump may advance and read on.</summary>
    public void Consumed(SequencePosition consumed)
    {
        _consumed = consumed;
        Run();
    }

    /// <summary>
    /// Called by the actor while the shards are over their delivery budget: the pump keeps its buffer and reads nothing
    /// more (TCP pushes back on the peer) until the shard runs this pump as parked work (<see cref="IRunnable.Run"/>).
    /// </summary>
    public void Hold(SequencePosition consumed) => _consumed = consumed;

    /// <summary>Lets the pump advance to the position given to <see cref="Hold"/> or <see cref="Consumed"/> and read on.</summary>
    public void Run()
    {
        if (Interlocked.Exchange(ref _waiting, 0) == 1)
            _reply.SetResult(true);
    }

    void IThreadPoolWorkItem.Execute() => Run();

    /// <summary>Called when the actor stops (any thread, idempotent): the pump lets go of the buffer and ends.</summary>
    public void Stop()
    {
        Interlocked.Exchange(ref _stopped, 1);
        if (Interlocked.Exchange(ref _waiting, 0) == 1)
            _reply.SetResult(false);
        else
            reader.CancelPendingRead();
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _reply.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _reply.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token,
        ValueTaskSourceOnCompletedFlags flags) => _reply.OnCompleted(continuation, state, token, flags);
}
