using System.Buffers;
using System.Diagnostics;
using Broker.Core.Backplane;
using Broker.Core.Metrics;
using StackExchange.Redis;

namespace Broker.Redis;

/// <summary>
/// Turns single publishes into few script calls (<see cref="PublishScript"/>). A publish that finds fewer than
/// <see cref="MaxCallsInFlight"/> calls waiting for Redis goes out at once, alone; the ones arriving while that many are
/// in flight wait and leave together, up to <see cref="MaxMessages"/> and <see cref="MaxBytes"/> a call, when a call
/// returns. So an idle node adds no delay, and a busy one pays Redis' per-call cost once per batch instead of once per
/// message. Each publish completes with its own offset only after Redis answered its call.
/// <para>
/// Order: calls are handed to the multiplexer under the lock, in the order their messages arrived, and one connection
/// delivers commands to Redis in the order sent, where each script runs whole: per-topic order is arrival order.
/// </para>
/// </summary>
internal sealed class PublishBatcher(PublishBatcher.Send send, BackplaneTimings timings)
{
    /// <summary>Issues one script call for <c>batch[..count]</c>, answering one result per message in order.</summary>
    public delegate Task<RedisResult> Send(Pending[] batch, int count);

    public const int MaxCallsInFlight = 4;
    public const int MaxMessages = 256;

    // Bounds one call's size (and run time in Redis) when messages are large; a call takes at least one message.
    public const int MaxBytes = 1 << 20;

    private readonly Lock _lock = new();
    private readonly Queue<Pending> _waiting = new();
    private int _callsInFlight;

    public Task<long> PublishAsync(string topic, ReadOnlyMemory<byte> data)
    {
        var publish = new Pending(topic, data, new TaskCompletionSource<long>(), Stopwatch.GetTimestamp());
        lock (_lock)
        {
            _waiting.Enqueue(publish);
            if (_callsInFlight < MaxCallsInFlight)
                SendNext();
        }
        return publish.Done.Task;
    }

    // Under the lock: the order calls are issued in is the order Redis runs them.
    private void SendNext()
    {
        var batch = ArrayPool<Pending>.Shared.Rent(Math.Min(_waiting.Count, MaxMessages));
        var count = 0;
        var bytes = 0L;
        while (count < MaxMessages && _waiting.TryPeek(out var next) && (count == 0 || bytes + next.Data.Length <= MaxBytes))
        {
            batch[count++] = _waiting.Dequeue();
            bytes += next.Data.Length;
        }
        _callsInFlight++;
        Task<RedisResult> call;
        try
        {
            call = send(batch, count);
        }
        catch (Exception e)
        {
            call = Task.FromException<RedisResult>(e);
        }
        _ = CompleteAsync(call, batch, count);
    }

    private async Task CompleteAsync(Task<RedisResult> call, Pending[] batch, int count)
    {
        RedisResult[]? offsets = null;
        Exception? failure = null;
        try
        {
            // Never inline: a call that failed at once must not complete its callers under the lock.
            offsets = (RedisResult[])(await call.ConfigureAwait(ConfigureAwaitOptions.ForceYielding))!;
        }
        catch (Exception e)
        {
            failure = e;
        }
        lock (_lock)
        {
            _callsInFlight--;
            if (_waiting.Count > 0)
                SendNext(); // before answering this batch's callers: Redis gets the next call sooner
        }
        for (var i = 0; i < count; i++)
        {
            if (offsets is null)
                Fail(batch[i], failure!);
            else
                Complete(batch[i], offsets[i]);
        }
        ArrayPool<Pending>.Shared.Return(batch, clearArray: true);
    }

    private void Complete(in Pending publish, RedisResult offset)
    {
        // A string instead of an offset: that message's step failed in Redis (PublishScript), the others' did not.
        if (offset.Resp2Type != ResultType.Integer)
        {
            publish.Done.SetException(new BackplaneUnavailableException(Refused(publish.Topic, (string?)offset)));
            return;
        }
        timings.Publish.Observe(BackplaneTimings.SecondsSinceTimestamp(publish.Started));
        publish.Done.SetResult((long)offset);
    }

    private static void Fail(in Pending publish, Exception cause) => publish.Done.SetException(cause switch
    {
        RedisException e => new BackplaneUnavailableException(Refused(publish.Topic, e.Message), e),
        ObjectDisposedException e => new BackplaneUnavailableException("the Redis backplane is shut down", e),
        _ => cause,
    });

    private static string Refused(string topic, string? reason) => $"Redis did not accept the publish to {topic}: {reason}";

    /// <summary>A publish waiting for its call: what to send, whom to answer, and since when (for the publish timing).</summary>
    public readonly record struct Pending(string Topic, ReadOnlyMemory<byte> Data, TaskCompletionSource<long> Done, long Started);
}
