using System.Buffers.Binary;
using System.Text;
using Broker.Core.Backplane;
using Broker.Core.Presence;
using StackExchange.Redis;

namespace Broker.Redis;

// Presence in Redis (PresenceScript, docs/architecture.md "Presence"). Joins and leaves are sent without waiting; the
// node remembers its own entries (LocalPresence) and refreshes them all in one batched pass every third of
// presence-ttl, re-joining any that Redis lost. A node that dies stops refreshing: its entries expire and the next
// script call on the topic (another node's pass, a presence read) removes them and announces their leave.
public sealed partial class RedisBackplane : IPresence
{
    // Clients per refresh call: bounds one script's run time in a large room.
    private const int RefreshBatch = 500;
    private const int PresenceHeaderLength = sizeof(long) + 2;

    private readonly LocalPresence _local = new();
    private IBackplaneSink? _sink;
    private Timer? _refresher;
    private int _refreshing;

    /// <summary>Topics in which this node has clients in presence.</summary>
    public int LocalPresenceTopics => _local.TopicCount;

    /// <inheritdoc />
    public void Join(string topic, PresenceMember member)
    {
        if (_local.Add(topic, member))
            Send(topic, "join", member.Client, member.User ?? "");
    }

    /// <inheritdoc />
    public void Leave(string topic, string client)
    {
        if (_local.Remove(topic, client))
            Send(topic, "leave", client);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<PresenceMember>> ListAsync(string topic, CancellationToken cancellationToken = default)
    {
        var pairs = (RedisValue[])(await EvaluatePresence(topic, "list", []).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        var members = new PresenceMember[pairs.Length / 2];
        for (var i = 0; i < members.Length; i++)
        {
            var user = (string)pairs[2 * i + 1]!;
            members[i] = new PresenceMember(pairs[2 * i]!, user.Length == 0 ? null : user);
        }
        return members;
    }

    /// <inheritdoc />
    public async ValueTask<PresenceStats> StatsAsync(string topic, CancellationToken cancellationToken = default)
    {
        var counts = (long[])(await EvaluatePresence(topic, "stats", []).WaitAsync(cancellationToken).ConfigureAwait(false))!;
        return new PresenceStats(counts[0], counts[1]);
    }

    private void StartRefreshing()
    {
        var every = _settings.PresenceTtl / 3;
        _refresher = new Timer(_ => _ = RefreshAsync(), null, every, every);
    }

    // One pass at a time; a pass that finds Redis down does nothing (the entries may expire meanwhile: the next pass
    // after the outage finds them missing and joins them again).
    private async Task RefreshAsync()
    {
        if (Interlocked.Exchange(ref _refreshing, 1) == 1)
            return;
        try
        {
            if (_redis is not { IsConnected: true })
                return;
            var calls = new List<Task>();
            foreach (var (topic, clients) in _local.Snapshot())
                foreach (var batch in clients.Chunk(RefreshBatch))
                    calls.Add(RefreshBatchAsync(topic, batch));
            await Task.WhenAll(calls).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
    }

    private async Task RefreshBatchAsync(string topic, string[] clients)
    {
        try
        {
            var missing = (string[])(await EvaluatePresence(topic, "refresh", [.. clients.Select(c => (RedisValue)c)])
                .ConfigureAwait(false))!;
            foreach (var client in missing)
                if (_local.TryGetMember(topic, client, out var member))
                    Send(topic, "join", client, member.User ?? "");
        }
        catch (Exception e) when (e is RedisException or ObjectDisposedException)
        {
            Log.PresenceDeferred(_logger, topic, e.Message);
        }
    }

    private void Send(string topic, string mode, params RedisValue[] arguments)
    {
        Task<RedisResult> call;
        try
        {
            call = EvaluatePresence(topic, mode, arguments);
        }
        catch (Exception e) when (e is RedisException or ObjectDisposedException or InvalidOperationException)
        {
            Log.PresenceDeferred(_logger, topic, e.Message);
            return;
        }
        call.ContinueWith(failed => Log.PresenceDeferred(_logger, topic, failed.Exception!.GetBaseException().Message),
            CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
    }

    private Task<RedisResult> EvaluatePresence(string topic, string mode, RedisValue[] arguments)
    {
        var redis = _redis ?? throw NotRunning();
        var options = _namespaces.Resolve(topic);
        RedisValue[] args =
        [
            mode, Milliseconds(_settings.PresenceTtl), options.JoinLeave ? options.JoinLeaveMaxSubscribers : -1,
            _names.ChannelName(topic), .. arguments,
        ];
        return redis.GetDatabase().ScriptEvaluateAsync(PresenceScript.Text, _names.PresenceKeys(topic), args);
    }

    private static bool IsPresenceEvent(ReadOnlySpan<byte> payload) =>
        payload.Length >= PresenceHeaderLength && BinaryPrimitives.ReadInt64BigEndian(payload) == 0;

    // 8 zero bytes, 'j'|'l', '1'|'0' (with or without a user), client, '\n', user.
    private void OnPresenceEvent(string topic, ReadOnlySpan<byte> payload)
    {
        var rest = payload[PresenceHeaderLength..];
        var newline = rest.IndexOf((byte)'\n');
        if (newline < 0)
        {
            Log.MalformedMessage(_logger, topic, payload.Length);
            return;
        }
        var client = Encoding.UTF8.GetString(rest[..newline]);
        var user = payload[sizeof(long) + 1] == (byte)'1' ? Encoding.UTF8.GetString(rest[(newline + 1)..]) : null;
        _sink?.Announce(topic, new PresenceEvent(payload[sizeof(long)] == (byte)'j', new PresenceMember(client, user)));
    }
}
