using Broker.Core.Backplane;
using StackExchange.Redis;

namespace Broker.Redis;

// Closes the gap of a Redis outage: while this node's subscriber connection was down, messages were published (by
// nodes that still reached Redis, or once Redis was back but before the re-SUBSCRIBE) that its clients never got.
// When the subscriber connection is back, for every topic the node delivers: hold its live messages, read what Redis
// has after the last offset handed on, hand that on, then the held live ones (EpochGate.Hold/Release). If the epoch
// changed, or history no longer reaches back, the subscribers get a reset instead. Topics seen only through
// wildcards are caught up too, but a topic first published during the outage is not known to the node: its wildcard
// subscribers start with its live messages.
public sealed partial class RedisBackplane
{
    private int _catchingUp;

    private void StartCatchUp()
    {
        if (Interlocked.Exchange(ref _catchingUp, 1) == 1)
            return;
        _ = Task.Run(async () =>
        {
            try
            {
                await CatchUpAsync().ConfigureAwait(false);
            }
            finally
            {
                Volatile.Write(ref _catchingUp, 0);
            }
        });
    }

    private async Task CatchUpAsync()
    {
        var gate = _gate!;
        var redis = _redis;
        if (redis is null)
            return;
        var held = new List<(string Topic, TopicPosition Last)>();
        foreach (var topic in gate.Topics)
            if (gate.Hold(topic) is { } last)
                held.Add((topic, last));
        if (held.Count == 0)
            return;
        var replayed = 0;
        try
        {
            // The re-SUBSCRIBEs went out on the subscriber connection before this PING: once it answers, every later
            // publish reaches the node live, so what history has up to now plus the held live messages leave no gap.
            await redis.GetSubscriber().PingAsync().ConfigureAwait(false);
        }
        catch (RedisException)
        {
            // Lost again: release below with what the node had; the next restore catches up.
        }
        foreach (var (topic, last) in held)
            replayed += await CatchUpAsync(gate, topic, last).ConfigureAwait(false);
        Log.CaughtUp(_logger, held.Count, replayed);
    }

    private async Task<int> CatchUpAsync(EpochGate gate, string topic, TopicPosition last)
    {
        HistoryPage page;
        try
        {
            var size = _namespaces.Resolve(topic).History.Size;
            page = await ReadHistoryAsync(topic, last.Offset, Math.Max(size, 1)).ConfigureAwait(false);
        }
        catch (BackplaneUnavailableException)
        {
            gate.Release(topic, last.Epoch, [], lost: false);
            return 0;
        }
        var now = page.Position;
        if (now.Epoch == last.Epoch && now.Offset <= last.Offset)
        {
            gate.Release(topic, last.Epoch, [], lost: false);
            return 0;
        }
        var complete = now.Epoch == last.Epoch && page.Messages.Count > 0 && page.Messages[0].Offset == last.Offset + 1
                       && page.Messages[^1].Offset == now.Offset;
        if (complete)
        {
            gate.Release(topic, now.Epoch, page.Messages, lost: false);
            return page.Messages.Count;
        }
        // Lost: the subscribers hear a reset and continue after what Redis has now.
        gate.Release(topic, now.Epoch, [new HistoryMessage(now.Offset, default)], lost: true);
        return 0;
    }
}
