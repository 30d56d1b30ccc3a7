namespace Broker.Server.Cluster;

/// <summary>
/// The three Lua scripts of <see cref="RedisLease"/>, each atomic in Redis. KEYS[1] = the lease key, ARGV[1] = the
/// owner (this node's address), ARGV[2] = time to live in milliseconds. Each returns 1 when the owner holds the lease
/// afterwards (acquire, renew) or gave it up (release), 0 when another owner holds it.
/// </summary>
internal static class LeaseScripts
{
    /// <summary>Extends the lease only while this owner still holds it: an expired lease taken by another stays theirs.</summary>
    public const string Renew = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('PEXPIRE', KEYS[1], ARGV[2])
          return 1
        end
        return 0
        """;

    /// <summary>SET NX PX takes a free lease; otherwise it is a renewal (leases are reentrant for their owner).</summary>
    public const string Acquire = """
        if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end

        """ + Renew;

    /// <summary>Compare-and-delete: never deletes a lease another owner took after ours expired.</summary>
    public const string Release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then
          redis.call('DEL', KEYS[1])
          return 1
        end
        return 0
        """;
}
