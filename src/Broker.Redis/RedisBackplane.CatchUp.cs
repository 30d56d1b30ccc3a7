using System.Collections.Concurrent;
using System.Diagnostics;
using Broker.Core.Backplane;
using StackExchange.Redis;

namespace Broker.Redis;

// Closes the gap of a Redis outage: while this node's subscriber connection was down, messages were published (by
// nodes that still reached Redis, or once Redis was back but before the re-SUBSCRIBE) that its clients never got.
// From the moment the subscriber connection is reported lost, every topic the node delivers is held
// (EpochGate.Hold): StackExchange.Redis re-sends the SUBSCRIBEs itself the moment the connection is back, before it
// raises ConnectionRestored, so live messages may arrive before any catch-up runs and must not get past the gate
// first. Once the subscriptions are confirmed on the restored connection, the node reads what Redis has after the last
// offset handed on, hands that on, then the held live ones (EpochGate.Release). If the epoch changed, or history no
// longer reaches back, the subscribers get a reset instead. Topics seen only through wildcards are caught up too, but
// a topic first published during the outage is not known to the node: its wildcard subscribers start with its live
// messages.
public sealed partial class RedisBackplane
{
    // Held topics not caught up yet, with what the node had handed on when the hold began.
    private readonly ConcurrentDictionary<string, TopicPosition> _held = new(StringComparer.Ordinal);
    private int _catchUpRequests; // restores since the running catch-up started; 0 = none running
    private static readonly Action<RedisChannel, RedisValue> Confirming = static (_, _) => { };

    private void HoldAll()
    {
        var gate = _gate!;
        foreach (var topic in gate.Topics)
            if (gate.Hold(topic) is { } last)
                _held.TryAdd(topic, last);
    }

    // One catch-up at a time; a restore while one runs (the other connection coming back) makes it run once more.
    private void StartCatchUp()
    {
        if (Interlocked.Increment(ref _catchUpRequests) == 1)
            _ = Task.Run(RunCatchUpsAsync);
    }

    private async Task RunCatchUpsAsync()
    {
        var requests = Volatile.Read(ref _catchUpRequests);
        do
        {
            try
            {
                await CatchUpAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                if (!_disposed) Log.CatchUpFailed(_logger, e); // what is still held waits for the next restore
            }
        } while ((requests = Interlocked.Add(ref _catchUpRequests, -requests)) != 0);
    }

    private async Task CatchUpAsync()
    {
        var gate = _gate!;
        if (_redis is not { } redis || _held.IsEmpty)
            return;
        if (!await ConfirmSubscriptionsAsync(redis).ConfigureAwait(false))
            return; // a connection is still down: its restore runs this again
        var topics = 0;
        var replayed = 0;
        foreach (var (topic, last) in _held)
        {
            if (await CatchUpAsync(gate, topic, last).ConfigureAwait(false) is not { } count)
                return; // lost again: still held, the restore runs this again
            topics++;
            replayed += count;
        }
        Log.CaughtUp(_logger, topics, replayed);
    }

    // True once Redis processed a (P)SUBSCRIBE for every subscription on the current subscriber connection, so that
    // whatever is published from then on reaches the node (held) and history read after this leaves no gap; false
    // while a connection is down (its restore runs the catch-up again). StackExchange.Redis re-sends them on its own,
    // fire-and-forget, and drops them while its command connection is down, sending them again only from a later
    // reconfigure that nothing here can await. Adding a second, no-op handler to a channel makes it send the
    // SUBSCRIBE now unless the channel is confirmed (SubscribedEndpoint) on this connection; removing that handler
    // sends nothing, as the node's own queue still holds the channel. The PING travels behind them.
    private async Task<bool> ConfirmSubscriptionsAsync(ConnectionMultiplexer redis)
    {
        var subscriber = redis.GetSubscriber();
        var waited = Stopwatch.StartNew();
        await _subscriptionLock.WaitAsync().ConfigureAwait(false);
        try
        {
            var channels = _subscriptions.Values.Select(s => s.Queue.Channel).ToArray();
            while (IsHealthy)
            {
                try
                {
                    foreach (var channel in channels)
                    {
                        await subscriber.SubscribeAsync(channel, Confirming).ConfigureAwait(false);
                        await subscriber.UnsubscribeAsync(channel, Confirming).ConfigureAwait(false);
                    }
                    await subscriber.PingAsync().ConfigureAwait(false);
                    if (channels.All(channel => subscriber.SubscribedEndpoint(channel) is not null))
                        return true;
                }
                catch (RedisException)
                {
                    // Lost again (the loop ends) or slow (tried again).
                }
                if (waited.Elapsed > _settings.ConnectTimeout)
                    return true; // up but not confirming: catch up with what Redis has, as nothing else will
            }
            return false;
        }
        finally
        {
            _subscriptionLock.Release();
        }
    }

    // The number of messages replayed, or null when Redis was lost again and the topic stays held.
    private async Task<int?> CatchUpAsync(EpochGate gate, string topic, TopicPosition last)
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
                    Release(gate, topic, now.Epoch, page.Messages, reset: false);
                    return page.Messages.Count;
                }
                // History no longer reaches back: a reset, then live from what Redis has now.
                Release(gate, topic, now.Epoch, [], reset: true, resetAt: now.Offset);
                return 0;
            }
            // A new epoch (Redis lost its data, or the keys expired): a reset, then the new epoch from offset 1.
            var fresh = await ReadHistoryAsync(topic, 0, size).ConfigureAwait(false);
            var whole = fresh.Position.Epoch == now.Epoch && fresh.IsWholeAfter(0);
            Release(gate, topic, fresh.Position.Epoch, whole ? fresh.Messages : [], reset: true,
                resetAt: whole ? 0 : fresh.Position.Offset);
            return whole ? fresh.Messages.Count : 0;
        }
        catch (BackplaneUnavailableException) when (!IsHealthy)
        {
            return null;
        }
        catch (BackplaneUnavailableException)
        {
            // Up but failing: let live traffic through rather than hold it with no restore coming to retry.
            Release(gate, topic, last.Epoch, [], reset: false);
            return 0;
        }
    }

    // Forgotten before the release: a loss reported from here on holds the topic anew.
    private void Release(EpochGate gate, string topic, string epoch, IReadOnlyList<HistoryMessage> replay, bool reset,
        long resetAt = 0)
    {
        _held.TryRemove(topic, out _);
        gate.Release(topic, epoch, replay, reset, resetAt);
    }
}
