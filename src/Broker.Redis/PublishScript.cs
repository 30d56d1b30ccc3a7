namespace Broker.Redis;

/// <summary>
/// The one server-side step of a publish, atomic in Redis so every node sees one order and one offset per topic.
/// KEYS[1] = meta hash (fields <c>e</c> epoch, <c>o</c> last offset), KEYS[2] = history stream (same hash slot);
/// ARGV[1] = data, ARGV[2] = history size (0: no stream), ARGV[3] = topic channel, ARGV[4] = an epoch to use if the
/// topic has none, ARGV[5] = ttl in ms, ARGV[6] = the publishing node's clock in microseconds since the Unix epoch
/// (exact in a Lua number until 2255). Returns the new offset.
/// <para>
/// Epoch and offset live in one hash, so they expire together. A topic without an epoch (new, expired, or lost with a
/// Redis that restarted empty) gets ARGV[4], offset 0, and loses any stream left over: a new epoch means a new past.
/// History: XADD with the explicit id <c>0-offset</c>, so a reader resumes with XRANGE from <c>0-(offset+1)</c>
/// without a lookup; exact MAXLEN keeps exactly history.size entries. Every publish refreshes both keys' ttl, so a
/// topic expires history.ttl after its last publish.
/// Channel payload: 8-byte big-endian offset, 8-byte big-endian publish time (ARGV[6], for
/// <c>broker_backplane_lag_seconds</c>), the 8-character epoch, then the data bytes untouched.
/// </para>
/// StackExchange.Redis sends it as EVALSHA once the server knows the script, and falls back to EVAL (re-loading
/// it) after NOSCRIPT, e.g. after a Redis restart.
/// </summary>
internal static class PublishScript
{
    public const string Text = """
        local epoch = redis.call('HGET', KEYS[1], 'e')
        if not epoch then
          epoch = ARGV[4]
          redis.call('HSET', KEYS[1], 'e', epoch, 'o', 0)
          redis.call('DEL', KEYS[2])
        end
        local offset = redis.call('HINCRBY', KEYS[1], 'o', 1)
        redis.call('PEXPIRE', KEYS[1], ARGV[5])
        if tonumber(ARGV[2]) > 0 then
          redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], '0-' .. offset, 'd', ARGV[1])
          redis.call('PEXPIRE', KEYS[2], ARGV[5])
        end
        redis.call('PUBLISH', ARGV[3], struct.pack('>I8I8', offset, tonumber(ARGV[6])) .. epoch .. ARGV[1])
        return offset
        """;
}
