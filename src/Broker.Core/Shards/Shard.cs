using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Dispatch;

namespace Broker.Core.Shards;

/// <summary>
/// One event loop: a dedicated thread draining one queue. Akka runs the mailboxes of the shard's connection actors on
/// it (<see cref="ShardDispatcherConfigurator"/>), topics post fan-out work to it, and everything that writes to a
/// connection's socket runs here, so a connection's codec, outbound bytes and flush need no locks or interlocked
/// operations. A round runs queued work until the queue is empty or <see cref="ShardSettings.MaxFlushDelay"/> has
/// passed, then flushes every connection written to during the round once: at once when idle (a round of one item),
/// coalesced under load.
/// </summary>
public sealed class Shard : IDisposable
{
    private readonly ConcurrentQueue<Work> _queue = new();
    // No spinning before it blocks (a SemaphoreSlim spins, calling sched_yield, before every wait): at a steady rate the
    // shard sleeps after every round, and that spinning was 4.5 % of the broker's CPU in (b2) (perf).
    private readonly ManualResetEventSlim _wake = new(initialState: false, spinCount: 0);
    private readonly ShardSet _set;
    private readonly long _maxRoundTicks;
    private readonly int _maxQueuedDeliveries;
    private readonly Thread _thread;
    private List<IFlushable> _dirty = [];
    private List<IFlushable> _flushing = [];
    private readonly List<IRunnable> _parked = [];
    private long _queuedDeliveries;
    private int _sleeping;
    private bool _fellUnderBudget;
    private volatile bool _stopped;

    internal Shard(ShardSet set, int index, ShardSettings settings)
    {
        _set = set;
        Index = index;
        _maxRoundTicks = (long)(settings.MaxFlushDelay.TotalSeconds * Stopwatch.Frequency);
        _maxQueuedDeliveries = settings.MaxQueuedDeliveries;
        DispatcherId = $"broker.shards.set-{set.Id}.dispatcher-{index}";
        ConnectionDeploy = Deploy.Local.WithDispatcher(DispatcherId).WithMailbox(Connections.ConnectionMailbox.ConfigPath);
        _thread = new Thread(Loop) { IsBackground = true, Name = $"broker-shard-{index}" };
        _thread.Start();
    }

    /// <summary>Position in its <see cref="ShardSet"/>.</summary>
    public int Index { get; }

    /// <summary>The Akka dispatcher id whose actors run on this shard.</summary>
    public string DispatcherId { get; }

    /// <summary>
    /// The deployment every connection actor on this shard shares (its dispatcher and mailbox): made once, so a
    /// connection's props carry no deployment of their own.
    /// </summary>
    internal Deploy ConnectionDeploy { get; }

    /// <summary>True on the shard's own thread: the only thread that may touch state owned by the shard.</summary>
    public bool IsCurrent => Thread.CurrentThread == _thread;

    /// <summary>Deliveries queued and not yet run; over the budget the shard set counts as overloaded.</summary>
    public bool IsOverloaded => Volatile.Read(ref _queuedDeliveries) > _maxQueuedDeliveries;

    /// <summary>True while any shard of this shard's set is over its budget (<see cref="Park"/> then waits).</summary>
    public bool IsSetOverloaded => _set.IsOverloaded;

    /// <summary>Queues work from any thread, in FIFO order with everything else posted to this shard.</summary>
    public void Post(IRunnable work) => Post(new Work(work, 0));

    /// <summary>Queues work that writes <paramref name="deliveries"/> frames; counted against the shard's budget.</summary>
    public void PostDeliveries(IRunnable work, int deliveries) => PostCounted(new Work(work, deliveries));

    /// <summary>
    /// Queues <paramref name="item"/> for <paramref name="work"/>, which writes <paramref name="deliveries"/> frames:
    /// counted against the budget, in FIFO order with everything else, and no object allocated for the post.
    /// </summary>
    internal void PostDeliveries(IItemRunnable work, object item, int deliveries) =>
        PostCounted(new Work(null, work, item, deliveries));

    /// <summary>Shard thread only: flush <paramref name="flushable"/> at the end of this round (call once per round).</summary>
    public void MarkDirty(IFlushable flushable) => _dirty.Add(flushable);

    /// <summary>
    /// Shard thread only: run <paramref name="resume"/> once no shard of the set is over its budget (immediately at the
    /// end of this round if none is). Used to stop reading a publishing connection while fan-out queues are full.
    /// </summary>
    public void Park(IRunnable resume) => _parked.Add(resume);

    /// <summary>Stops the thread after the work it is running; queued work is dropped.</summary>
    public void Dispose()
    {
        _stopped = true;
        _wake.Set();
        if (!IsCurrent)
            _thread.Join(TimeSpan.FromSeconds(5));
    }

    private void PostCounted(Work work)
    {
        Interlocked.Add(ref _queuedDeliveries, work.Deliveries);
        Post(work);
    }

    private void Post(Work work)
    {
        _queue.Enqueue(work);
        if (Interlocked.Exchange(ref _sleeping, 0) == 1)
            _wake.Set();
    }

    private void Loop()
    {
        while (!_stopped)
        {
            RunRound();
            Flush();
            if (_fellUnderBudget)
            {
                _fellUnderBudget = false;
                _set.WakeAll(); // parked publishers on other shards may read again
            }
            if (_parked.Count > 0 && !_set.IsOverloaded)
                ResumeParked();
            if (_queue.IsEmpty)
                Sleep();
        }
    }

    private void RunRound()
    {
        var deadline = Stopwatch.GetTimestamp() + _maxRoundTicks;
        var ran = 0;
        while (_queue.TryDequeue(out var work))
        {
            try
            {
                work.Run();
            }
            catch (Exception e)
            {
                _set.ReportError(e);
            }
            // The item that takes the count from over the budget to within it wakes the shards (any round: the count
            // may have crossed the budget and come back within one round, while other shards parked their readers).
            if (work.Deliveries != 0 && Interlocked.Add(ref _queuedDeliveries, -work.Deliveries) is var left
                && left <= _maxQueuedDeliveries && left + work.Deliveries > _maxQueuedDeliveries)
                _fellUnderBudget = true;
            // Reading the clock every item would cost more than the work itself.
            if ((++ran & 31) == 0 && Stopwatch.GetTimestamp() >= deadline)
                return;
        }
    }

    private void Flush()
    {
        if (_dirty.Count == 0)
            return;
        // A flush may mark more connections dirty (a failed write stops an actor): they go to the next round.
        (_dirty, _flushing) = (_flushing, _dirty);
        foreach (var flushable in _flushing)
        {
            try
            {
                flushable.Flush();
            }
            catch (Exception e)
            {
                _set.ReportError(e);
            }
        }
        _flushing.Clear();
    }

    private void ResumeParked()
    {
        var parked = _parked.ToArray();
        _parked.Clear();
        foreach (var resume in parked)
            resume.Run();
    }

    // Dekker-style with Post: either the poster sees _sleeping = 1 and sets the event, or we see its item here. Only
    // the poster that took the flag sets it (and Dispose, which the loop checks anyway), so resetting after the wake
    // loses nothing.
    private void Sleep()
    {
        Interlocked.Exchange(ref _sleeping, 1);
        if (!_queue.IsEmpty || _stopped)
        {
            if (Interlocked.Exchange(ref _sleeping, 0) == 1)
                return;
        }
        _wake.Wait();
        _wake.Reset();
    }

    // A runnable, or an item-runnable with its item: then a fan-out's per-message part lives in the queue's slot.
    private readonly record struct Work(IRunnable? Runnable, IItemRunnable? ForItem, object? Item, int Deliveries)
    {
        public Work(IRunnable runnable, int deliveries)
            : this(runnable, null, null, deliveries)
        {
        }

        public void Run()
        {
            if (Runnable is not null)
                Runnable.Run();
            else
                ForItem!.Run(Item!);
        }
    }
}
