using System.Text;
using StackExchange.Redis;

namespace Broker.Redis;

/// <summary>
/// Names of everything the backplane keeps in Redis, all under <c>broker.redis.key-prefix</c> (P below):
/// <list type="bullet">
/// <item><c>P{topic}:meta</c> hash: the topic's epoch (<c>e</c>) and last offset (<c>o</c>).</item>
/// <item><c>P{topic}:log</c> stream: the topic's history; entry id <c>0-offset</c>, one field <c>d</c> = the data.</item>
/// <item><c>P{topic}:presence</c> sorted set client → expiry, <c>P{topic}:presence-users</c> hash client → user,
/// <c>P{topic}:presence-counts</c> hash user → clients with it (<see cref="PresenceScript"/>).</item>
/// <item><c>Pmsg:topic</c> channel: every publish, payload = 8-byte big-endian offset, 8-byte publish time, 8-byte epoch, then the data bytes; or a join/leave (offset 0).</item>
/// </list>
/// The braces are a Redis Cluster hash tag: both keys of a topic hash to one slot, so the publish script may touch both.
/// Topic characters (letters, digits, <c>_ - : @ .</c>) include no brace and no glob metacharacter.
/// </summary>
internal sealed class RedisNames(string prefix)
{
    private readonly string _channelPrefix = prefix + "msg:";

    public RedisKey MetaKey(string topic) => $"{prefix}{{{topic}}}:meta";

    public RedisKey HistoryKey(string topic) => $"{prefix}{{{topic}}}:log";

    public RedisKey[] PresenceKeys(string topic) =>
        [$"{prefix}{{{topic}}}:presence", $"{prefix}{{{topic}}}:presence-users", $"{prefix}{{{topic}}}:presence-counts"];

    /// <summary>What every topic channel's name starts with; the topic follows (PublishScript joins them in Redis).</summary>
    public string ChannelPrefix => _channelPrefix;

    public string ChannelName(string topic) => _channelPrefix + topic;

    public RedisChannel TopicChannel(string topic) => RedisChannel.Literal(ChannelName(topic));

    /// <summary>
    /// PSUBSCRIBE glob for a wildcard pattern: every <c>*</c> or <c>&gt;</c> segment becomes glob <c>*</c>, which also
    /// matches dots, so the glob over-approximates (<c>chat.*</c> also gets <c>chat.eu.lobby</c>) and
    /// <see cref="Broker.Protocol.Client.TopicPattern"/> filters exactly. Literal parts are glob-escaped in case the prefix holds <c>*?[]\</c>.
    /// </summary>
    public RedisChannel PatternChannel(string pattern)
    {
        var glob = new StringBuilder();
        AppendEscaped(glob, _channelPrefix);
        var segments = pattern.Split('.');
        for (var i = 0; i < segments.Length; i++)
        {
            if (i > 0) glob.Append('.');
            if (segments[i] is "*" or ">") glob.Append('*');
            else AppendEscaped(glob, segments[i]);
        }
        return RedisChannel.Pattern(glob.ToString());
    }

    /// <summary>The concrete topic a channel message was published to, or null if the channel is not ours.</summary>
    public string? TopicOf(RedisChannel channel)
    {
        var name = channel.ToString();
        return name.StartsWith(_channelPrefix, StringComparison.Ordinal) && name.Length > _channelPrefix.Length
            ? name[_channelPrefix.Length..]
            : null;
    }

    private static void AppendEscaped(StringBuilder glob, string literal)
    {
        foreach (var c in literal)
        {
            if (c is '*' or '?' or '[' or ']' or '\\') glob.Append('\\');
            glob.Append(c);
        }
    }
}
