namespace Broker.Redis;

/// <summary>
/// Reads of a topic's position and history, each one atomic step so the epoch, the latest offset and the messages
/// belong together. KEYS[1] = meta hash, KEYS[2] = history stream (<see cref="PublishScript"/> writes both).
/// A topic without an epoch gets ARGV[1] (offset 0, ttl ARGV[2] ms) and loses any leftover stream, as on publish,
/// so a subscriber is always told the epoch its next messages belong to. Reads do not refresh the ttl: only publishes
/// keep a topic alive.
/// </summary>
internal static class HistoryScripts
{
    private const string EnsureEpoch = """
        local epoch = redis.call('HGET', KEYS[1], 'e')
        if not epoch then
          epoch = ARGV[1]
          redis.call('HSET', KEYS[1], 'e', epoch, 'o', 0)
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          redis.call('DEL', KEYS[2])
        end
        local offset = tonumber(redis.call('HGET', KEYS[1], 'o'))
        """;

    /// <summary>Returns { epoch, offset }.</summary>
    public const string Position = EnsureEpoch + """

        return { epoch, offset }
        """;

    /// <summary>
    /// ARGV[3] = limit, ARGV[4] = the first entry id to read (<c>0-(after+1)</c>), or "" for the last ARGV[3] messages.
    /// Returns { epoch, offset, entries } with entries as XRANGE gives them, oldest first.
    /// </summary>
    public const string Read = EnsureEpoch + """

        local entries
        if ARGV[4] == '' then
          entries = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', ARGV[3])
          local n = #entries
          for i = 1, math.floor(n / 2) do
            entries[i], entries[n - i + 1] = entries[n - i + 1], entries[i]
          end
        else
          entries = redis.call('XRANGE', KEYS[2], ARGV[4], '+', 'COUNT', ARGV[3])
        end
        return { epoch, offset, entries }
        """;
}
