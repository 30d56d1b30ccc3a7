using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Dispatch;

namespace Broker.Core.Connections;

/// <summary>
/// Reads the socket and hands each buffer to the connection actor without copying, then waits for the actor's answer
/// before AdvanceTo: zero-copy parsing in the actor and natural backpressure (never reads ahead of the actor).
/// Driven by callbacks, not an async loop: a pending read holds one continuation registered on the reader's value
/// task and the actor's answer continues the pump on its own thread, so an idle connection parks no state machine.
/// </summary>
internal sealed class ReadPump : IRunnable
{
    private readonly PipeReader _reader;
    private readonly IActorRef _actor;
    private readonly Action _onRead;
    private ConfiguredValueTaskAwaitable<ReadResult>.ConfiguredValueTaskAwaiter _pending;
    private SequencePosition _consumed;
    private SequencePosition _examined;
    private bool _peerDone;
    private bool _started;
    private int _waiting;
    private int _stopped;
    private LazyCompletion _ended;

    public ReadPump(PipeReader reader, IActorRef actor)
    {
        _reader = reader;
        _actor = actor;
        _onRead = OnRead;
    }

    /// <summary>Completes once the pump has let go of the reader (it completed it).</summary>
    public Task Ended => _ended.Task;

    /// <summary>Called by the actor once, when it is ready for the first bytes.</summary>
    public void Start()
    {
        _started = true;
        Read();
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
            ReadOn();
    }

    void IThreadPoolWorkItem.Execute() => Run();

    /// <summary>Called when the actor stops (on its thread, once): the pump lets go of the buffer and ends.</summary>
    public void Stop()
    {
        Interlocked.Exchange(ref _stopped, 1);
        if (!_started || Interlocked.Exchange(ref _waiting, 0) == 1)
            Finish(); // no read is pending: the actor held the buffer, or the pump never read
        else
            _reader.CancelPendingRead(); // the pending (or the next) read ends canceled
    }

    private void Read()
    {
        try
        {
#pragma warning disable CA2012 // consumed exactly once: OnRead takes its result
            _pending = _reader.ReadAsync().ConfigureAwait(false).GetAwaiter();
#pragma warning restore CA2012
        }
        catch (Exception e)
        {
            Fail(e);
            return;
        }
        if (_pending.IsCompleted)
            OnRead();
        else
            _pending.UnsafeOnCompleted(_onRead);
    }

    private void OnRead()
    {
        ReadResult result;
        try
        {
            result = _pending.GetResult();
        }
        catch (Exception e)
        {
            Fail(e);
            return;
        }
        finally
        {
            _pending = default;
        }
        if (result.IsCanceled)
        {
            Finish();
            return;
        }
        _examined = result.Buffer.End;
        _peerDone = result.IsCompleted;
        Interlocked.Exchange(ref _waiting, 1);
        // Dekker-style handshake with Stop(): either we see the stop here, or Stop sees _waiting and finishes.
        if (Volatile.Read(ref _stopped) == 1 && Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            Finish();
            return;
        }
        _actor.Tell(new Connection.BytesReceived(result.Buffer, result.IsCompleted, this));
    }

    private void ReadOn()
    {
        try
        {
            _reader.AdvanceTo(_consumed, _examined);
        }
        catch (Exception e)
        {
            Fail(e);
            return;
        }
        if (_peerDone)
            Finish();
        else
            Read();
    }

    // The pump is the boundary between the socket and the actor: whatever broke the read ends the connection.
    private void Fail(Exception e)
    {
        _actor.Tell(new Connection.TransportFailed(e.Message));
        Finish();
    }

    private void Finish()
    {
        if (_ended.IsCompleted)
            return;
        try
        {
            _reader.Complete();
        }
        finally
        {
            _ended.Complete();
        }
    }
}
