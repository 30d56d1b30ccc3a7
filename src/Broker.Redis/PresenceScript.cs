namespace Broker.Redis;

/// <summary>
/// Every presence step of one topic, atomic in Redis (one hash slot: the keys share the topic's hash tag).
/// KEYS[1] = sorted set client → expiry (ms, Redis clock), KEYS[2] = hash client → user ("" = anonymous),
/// KEYS[3] = hash user → number of the topic's clients with that user (so distinct users = HLEN, O(1)).
/// ARGV[1] = mode, ARGV[2] = entry ttl in ms, ARGV[3] = announce cap (-1: join-leave off), ARGV[4] = topic channel,
/// then per mode: <c>join</c> client, user; <c>leave</c> client; <c>refresh</c> clients…; <c>list</c>, <c>stats</c> nothing.
/// <para>
/// Every call first sweeps up to 1000 expired entries (a crashed node's clients), announcing a leave for each and
/// fixing the user counts; <c>list</c> and the client count of <c>stats</c> also skip expired entries still left (more
/// than 1000 expired at once), so a reader never sees an expired client. A join or leave is PUBLISHed on the topic's
/// message channel (so it reaches subscribed nodes in order with the messages) while the topic holds at most the cap
/// of clients, counting the one in question. Event payload: 8 zero bytes (offset 0, which no message has), 'j' or 'l',
/// '1' with a user or '0' without, the client, '\n', the user. Each write refreshes the three keys' ttl to the entry
/// ttl, so no key outlives its newest entry. <c>refresh</c> extends only entries that still exist and returns the
/// clients it did not find (expired, or Redis lost them) for the node to join again.
/// </para>
/// </summary>
internal static class PresenceScript
{
    public const string Text = """
        local z, u, n = KEYS[1], KEYS[2], KEYS[3]
        local mode, ttl, cap, channel = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

        local function announce(kind, client, user, count)
          if cap >= 0 and count <= cap then
            local flag = '0'
            if user ~= '' then flag = '1' end
            redis.call('PUBLISH', channel, string.rep('\0', 8) .. kind .. flag .. client .. '\n' .. user)
          end
        end

        local function remove(client, count)
          if redis.call('ZREM', z, client) == 0 then return 0 end
          local user = redis.call('HGET', u, client) or ''
          redis.call('HDEL', u, client)
          if user ~= '' and redis.call('HINCRBY', n, user, -1) <= 0 then redis.call('HDEL', n, user) end
          announce('l', client, user, count)
          return 1
        end

        local function keep()
          redis.call('PEXPIRE', z, ttl)
          redis.call('PEXPIRE', u, ttl)
          redis.call('PEXPIRE', n, ttl)
        end

        local expired = redis.call('ZRANGEBYSCORE', z, '-inf', now, 'LIMIT', 0, 1000)
        local count = redis.call('ZCARD', z)
        for _, client in ipairs(expired) do
          count = count - remove(client, count)
        end

        if mode == 'join' then
          local client, user = ARGV[5], ARGV[6]
          if redis.call('ZADD', z, now + ttl, client) == 1 then
            redis.call('HSET', u, client, user)
            if user ~= '' then redis.call('HINCRBY', n, user, 1) end
            announce('j', client, user, count + 1)
          end
          keep()
          return 1
        elseif mode == 'leave' then
          local removed = remove(ARGV[5], count)
          keep()
          return removed
        elseif mode == 'refresh' then
          local missing = {}
          for i = 5, #ARGV do
            if redis.call('ZSCORE', z, ARGV[i]) then
              redis.call('ZADD', z, 'XX', now + ttl, ARGV[i])
            else
              missing[#missing + 1] = ARGV[i]
            end
          end
          keep()
          return missing
        elseif mode == 'list' then
          local clients = redis.call('ZRANGEBYSCORE', z, '(' .. now, '+inf')
          local result = {}
          for first = 1, #clients, 1000 do
            local chunk = {}
            for i = first, math.min(first + 999, #clients) do chunk[#chunk + 1] = clients[i] end
            local users = redis.call('HMGET', u, unpack(chunk))
            for i, client in ipairs(chunk) do
              result[#result + 1] = client
              result[#result + 1] = users[i] or ''
            end
          end
          return result
        else
          return { redis.call('ZCOUNT', z, '(' .. now, '+inf'), redis.call('HLEN', n) }
        end
        """;
}
