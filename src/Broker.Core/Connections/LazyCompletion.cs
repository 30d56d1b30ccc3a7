namespace Broker.Core.Connections;

/// <summary>
/// A completion whose task is made only if someone asks for it: a per-connection "done" signal that costs nothing
/// (no task, no source) on the connections nobody waits for. Complete and Task may race from different threads.
/// </summary>
internal struct LazyCompletion
{
    private TaskCompletionSource? _source;
    private int _completed;

    public bool IsCompleted => Volatile.Read(ref _completed) == 1;

    /// <summary>The task; completed already when <see cref="Complete"/> ran first.</summary>
    public Task Task
    {
        get
        {
            var source = _source
                ?? Interlocked.CompareExchange(ref _source, new(TaskCreationOptions.RunContinuationsAsynchronously), null)
                ?? _source;
            // Complete may have read _source before the exchange above published it: both exchanges are full
            // fences, so at least one side sees the other and completes the source.
            if (IsCompleted)
                source.TrySetResult();
            return source.Task;
        }
    }

    /// <summary>Completes once; false when it had completed before.</summary>
    public bool Complete()
    {
        if (Interlocked.Exchange(ref _completed, 1) == 1)
            return false;
        Volatile.Read(ref _source)?.TrySetResult();
        return true;
    }
}
