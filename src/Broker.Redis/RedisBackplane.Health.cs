using StackExchange.Redis;

namespace Broker.Redis;

public sealed partial class RedisBackplane
{
    // 1 from the first connection failure until a restore: the multiplexer raises ConnectionFailed per connection
    // (interactive and subscriber) and per failed retry, and the outage is logged once, not per event.
    private int _outage;

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            HoldAll(); // before the reconnect re-subscribes
            // Both events run on the thread pool: the restore may have been handled already, and found nothing held.
            if (IsHealthy) StartCatchUp();
        }
        MarkOutage(e.FailureType.ToString(), e.Exception);
    }

    private void MarkOutage(string failure, Exception? exception)
    {
        if (Interlocked.Exchange(ref _outage, 1) == 0) Log.RedisLost(_logger, _settings.Endpoint, failure, exception);
    }

    // StackExchange.Redis re-issues every SUBSCRIBE/PSUBSCRIBE it holds when the subscriber connection comes back (or,
    // if the command connection was still down then, when that one is back), so nothing is re-subscribed here
    // (RedisBackplaneTests checks PUBSUB after a restart); what was published meanwhile is caught up from history
    // once both are back (RedisBackplane.CatchUp.cs).
    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription) HoldAll(); // the loss may be handled late, or not at all
        StartCatchUp();
        if (IsHealthy && Interlocked.Exchange(ref _outage, 0) == 1)
            Log.RedisRestored(_logger, _settings.Endpoint);
    }
}
