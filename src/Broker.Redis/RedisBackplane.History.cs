using System.Globalization;
using System.Runtime.CompilerServices;
using Broker.Core.Backplane;
using StackExchange.Redis;

namespace Broker.Redis;

public sealed partial class RedisBackplane
{
    private const int HistoryPage = 256;

    /// <summary>
    /// The topic's retained messages with offsets above <paramref name="afterOffset"/>, oldest first, at most
    /// <paramref name="max"/>. History keeps about <c>broker.redis.history-length</c> messages per topic: when the
    /// first offset returned is not <paramref name="afterOffset"/> + 1, the ones between were trimmed.
    /// Throws <see cref="BackplaneUnavailableException"/> when Redis cannot answer.
    /// </summary>
    public async IAsyncEnumerable<(long Offset, ReadOnlyMemory<byte> Data)> ReadHistoryAsync(string topic,
        long afterOffset, int max, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var redis = _redis ?? throw NotRunning();
        ArgumentOutOfRangeException.ThrowIfNegative(afterOffset);
        var key = _names.HistoryKey(topic);
        var next = afterOffset + 1;
        var remaining = max;
        while (remaining > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var requested = Math.Min(remaining, HistoryPage);
            StreamEntry[] page;
            try
            {
                // Entry ids are 0-offset (PublishScript), so the range starts right at the next offset.
                page = await redis.GetDatabase()
                    .StreamRangeAsync(key, $"0-{next}", "+", requested)
                    .WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (RedisException e)
            {
                throw new BackplaneUnavailableException($"Redis could not read the history of {topic}: {e.Message}", e);
            }
            foreach (var entry in page)
            {
                var offset = OffsetOf(entry.Id);
                yield return (offset, (ReadOnlyMemory<byte>)entry["d"]);
                next = offset + 1;
            }
            remaining -= page.Length;
            if (page.Length < requested) yield break;
        }
    }

    private static long OffsetOf(RedisValue id)
    {
        var text = id.ToString();
        return long.Parse(text.AsSpan(text.IndexOf('-') + 1), NumberStyles.None, CultureInfo.InvariantCulture);
    }
}
