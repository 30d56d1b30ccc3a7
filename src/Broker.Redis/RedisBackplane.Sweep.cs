using System.Collections.Concurrent;
using Broker.Protocol.Client;

namespace Broker.Redis;

// The delivery gate keeps a cursor per topic the node delivers. Topics a subscription names keep theirs while
// subscribed (their subscribers' epoch must be remembered to send a reset); topics seen only through wildcards are
// forgotten after a minute without messages, so a pattern that has seen many topics does not pin them all.
public sealed partial class RedisBackplane
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);

    // Written under the subscription lock, read by the sweep timer.
    private readonly ConcurrentDictionary<string, bool> _exactTopics = new(StringComparer.Ordinal);
    private Timer? _sweeper;

    private void StartSweeping() =>
        _sweeper = new Timer(_ => _gate?.Sweep(SweepEvery, _exactTopics.ContainsKey), null, SweepEvery, SweepEvery);

    private void TrackExact(string pattern, bool subscribed)
    {
        if (TopicName.IsPattern(pattern))
            return;
        if (subscribed)
            _exactTopics[pattern] = true;
        else
            _exactTopics.TryRemove(pattern, out _);
    }
}
