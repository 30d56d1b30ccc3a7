namespace Broker.LoadTool;

/// <summary>
/// Wakes publishers waiting for subscribers to catch up. Subscribers call <see cref="Signal"/> after every socket read;
/// it costs one read while nobody waits.
/// </summary>
internal sealed class FlowGate
{
    private TaskCompletionSource? _waiters;

    /// <summary>Completes once <paramref name="ready"/> holds, re-checking after every signal.</summary>
    public async Task WaitUntilAsync(Func<bool> ready, CancellationToken cancel)
    {
        while (!ready())
        {
            var waiters = Volatile.Read(ref _waiters);
            if (waiters is null)
            {
                var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                waiters = Interlocked.CompareExchange(ref _waiters, created, null) ?? created;
            }
            // Checked again after registering: a signal between the first check and the registration is not lost.
            if (ready())
                return;
            await waiters.Task.WaitAsync(cancel);
        }
    }

    public void Signal()
    {
        if (Volatile.Read(ref _waiters) is not null)
            Interlocked.Exchange(ref _waiters, null)?.TrySetResult();
    }
}
