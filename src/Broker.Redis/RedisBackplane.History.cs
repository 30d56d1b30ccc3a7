using System.Globalization;
using Broker.Core.Backplane;
using StackExchange.Redis;

namespace Broker.Redis;

public sealed partial class RedisBackplane
{
    /// <inheritdoc />
    public async ValueTask<TopicPosition> PositionAsync(string topic, CancellationToken cancellationToken = default)
    {
        var result = await EvaluateAsync(topic, HistoryScripts.Position, [], cancellationToken).ConfigureAwait(false);
        var position = new TopicPosition((string)result[0]!, (long)result[1]);
        _gate?.Seed(topic, position.Epoch);
        return position;
    }

    /// <inheritdoc />
    public async ValueTask<HistoryPage> ReadHistoryAsync(string topic, long? after, int limit,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        RedisValue from = after is { } a ? $"0-{a + 1}" : "";
        var result = await EvaluateAsync(topic, HistoryScripts.Read, [limit, from], cancellationToken).ConfigureAwait(false);
        var entries = (RedisResult[])result[2]!;
        var messages = new HistoryMessage[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            // Each entry is [id, [field, value]]; the one field is d (PublishScript).
            var entry = (RedisResult[])entries[i]!;
            var fields = (RedisResult[])entry[1]!;
            messages[i] = new HistoryMessage(OffsetOf((string)entry[0]!), (byte[])fields[1]!);
        }
        return new HistoryPage(new TopicPosition((string)result[0]!, (long)result[1]), messages);
    }

    private async Task<RedisResult[]> EvaluateAsync(string topic, string script, RedisValue[] extra,
        CancellationToken cancellationToken)
    {
        var redis = _redis ?? throw NotRunning();
        var ttl = Milliseconds(_namespaces.Resolve(topic).History.Ttl);
        RedisKey[] keys = [_names.MetaKey(topic), _names.HistoryKey(topic)];
        RedisValue[] args = [Epochs.New(), ttl, .. extra];
        try
        {
            var result = await redis.GetDatabase().ScriptEvaluateAsync(script, keys, args)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            return (RedisResult[])result!;
        }
        catch (RedisException e)
        {
            throw new BackplaneUnavailableException($"Redis could not read the history of {topic}: {e.Message}", e);
        }
        catch (ObjectDisposedException e)
        {
            throw new BackplaneUnavailableException("the Redis backplane is shut down", e);
        }
    }

    private static long OffsetOf(string id) =>
        long.Parse(id.AsSpan(id.IndexOf('-') + 1), NumberStyles.None, CultureInfo.InvariantCulture);
}
