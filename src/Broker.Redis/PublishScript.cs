namespace Broker.Redis;

/// <summary>
/// The one server-side step of a publish, atomic in Redis so every node sees one order and one offset per topic.
/// KEYS[1] = offset key, KEYS[2] = history stream (same hash slot); ARGV[1] = data, ARGV[2] = history length,
/// ARGV[3] = topic channel, ARGV[4] = the publishing node's clock in microseconds
/// since the Unix epoch (exact in a Lua number until 2255). Returns the new offset.
/// <para>
/// Offset: INCR. Should the offset key be lost while the stream survives, the next offset would restart at 1 and
/// collide with the stream's ids; at offset 1 the script therefore continues after the stream's last entry instead.
/// History: XADD with the explicit id <c>0-offset</c>, so a reader resumes with XRANGE from <c>0-(offset+1)</c>
/// without a lookup; MAXLEN ~ trims whole macro-nodes (cheap), keeping at least ARGV[2] entries.
/// Channel payload: 8-byte big-endian offset, 8-byte big-endian publish time (ARGV[4], for
/// <c>broker_backplane_lag_seconds</c>), then the data bytes untouched.
/// </para>
/// StackExchange.Redis sends it as EVALSHA once the server knows the script, and falls back to EVAL (re-loading
/// it) after NOSCRIPT, e.g. after a Redis restart.
/// </summary>
internal static class PublishScript
{
    public const string Text = """
        local offset = redis.call('INCR', KEYS[1])
        if offset == 1 then
          local last = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
          if #last > 0 then
            offset = tonumber(string.match(last[1][1], '%-(%d+)$')) + 1
            redis.call('SET', KEYS[1], offset)
          end
        end
        redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], '0-' .. offset, 'd', ARGV[1])
        redis.call('PUBLISH', ARGV[3], struct.pack('>I8I8', offset, tonumber(ARGV[4])) .. ARGV[1])
        return offset
        """;
}
