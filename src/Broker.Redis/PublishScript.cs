namespace Broker.Redis;

/// <summary>
/// The one server-side step of publishing, atomic in Redis so every node sees one order and one offset per topic. One
/// call carries a batch of messages (<see cref="PublishBatcher"/>), published in the order given; a batch of one is an
/// ordinary publish.
/// Shared: ARGV[1] = an epoch to use if a topic has none, ARGV[2] = the publishing node's clock in microseconds since
/// the Unix epoch (exact in a Lua number until 2255), ARGV[3] = the channel prefix (the topic's channel is prefix ..
/// topic). Message i (from 1): KEYS[2i-1] = its topic's meta hash (fields <c>e</c> epoch, <c>o</c> last offset),
/// KEYS[2i] = its history stream (same hash slot); ARGV[3+4(i-1)+1..4] = data, topic, history size (0: no stream),
/// ttl in ms. Returns one element per message: its new offset, or the error message (a string: StackExchange.Redis
/// rejects error replies inside an array) of the Redis command that failed it; the others still go through.
/// <para>
/// Epoch and offset live in one hash, so they expire together. A topic without an epoch (new, expired, or lost with a
/// Redis that restarted empty) gets ARGV[1], offset 0, and loses any stream left over: a new epoch means a new past.
/// History: XADD with the explicit id <c>0-offset</c>, so a reader resumes with XRANGE from <c>0-(offset+1)</c>
/// without a lookup; exact MAXLEN keeps exactly history.size entries. Every publish refreshes both keys' ttl, so a
/// topic expires history.ttl after its last publish.
/// Channel payload: 8-byte big-endian offset, 8-byte big-endian publish time (ARGV[2], for
/// <c>broker_backplane_lag_seconds</c>), the 8-character epoch, then the data bytes untouched.
/// </para>
/// StackExchange.Redis sends it as EVALSHA once the server knows the script, and falls back to EVAL (re-loading
/// it) after NOSCRIPT, e.g. after a Redis restart.
/// </summary>
internal static class PublishScript
{
    /// <summary>ARGV entries before the first message's.</summary>
    public const int SharedArguments = 3;

    /// <summary>ARGV entries per message.</summary>
    public const int ArgumentsPerMessage = 4;

    public const string Text = """
        local time = tonumber(ARGV[2])
        local function publish(meta, log, data, topic, size, ttl)
          local epoch = redis.call('HGET', meta, 'e')
          if not epoch then
            epoch = ARGV[1]
            redis.call('HSET', meta, 'e', epoch, 'o', 0)
            redis.call('DEL', log)
          end
          local offset = redis.call('HINCRBY', meta, 'o', 1)
          redis.call('PEXPIRE', meta, ttl)
          if tonumber(size) > 0 then
            redis.call('XADD', log, 'MAXLEN', size, '0-' .. offset, 'd', data)
            redis.call('PEXPIRE', log, ttl)
          end
          redis.call('PUBLISH', ARGV[3] .. topic, struct.pack('>I8I8', offset, time) .. epoch .. data)
          return offset
        end
        local offsets = {}
        for i = 1, #KEYS / 2 do
          local a = 3 + 4 * (i - 1)
          local ok, result = pcall(publish, KEYS[2 * i - 1], KEYS[2 * i], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4])
          if ok then
            offsets[i] = result
          else
            offsets[i] = type(result) == 'table' and result.err or tostring(result)
          end
        end
        return offsets
        """;
}
