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
        var size = Math.Max(_namespaces.Resolve(topic).History.Size, 1);
        try
        {
            var page = await ReadHistoryAsync(topic, last.Offset, size).ConfigureAwait(false);
            var now = page.Position;
            if (now.Epoch == last.Epoch)
            {
                if (page.IsWholeAfter(last.Offset))
                {
                    gate.Release(topic, now.Epoch, page.Messages, reset: false);
                    return page.Messages.Count;
                }
                // History no longer reaches back: a reset, then live from what Redis has now.
                gate.Release(topic, now.Epoch, [], reset: true, resetAt: now.Offset);
                return 0;
            }
            // A new epoch (Redis lost its data, or the keys expired): a reset, then the new epoch from offset 1.
            var fresh = await ReadHistoryAsync(topic, 0, size).ConfigureAwait(false);
            var whole = fresh.Position.Epoch == now.Epoch && fresh.IsWholeAfter(0);
            gate.Release(topic, fresh.Position.Epoch, whole ? fresh.Messages : [], reset: true,
                resetAt: whole ? 0 : fresh.Position.Offset);
            return whole ? fresh.Messages.Count : 0;
        }
        catch (BackplaneUnavailableException)
        {
            // Lost again: let live traffic through; the next restore catches up from the last offset handed on.
            gate.Release(topic, last.Epoch, [], reset: false);
            return 0;
        }
    }
}
