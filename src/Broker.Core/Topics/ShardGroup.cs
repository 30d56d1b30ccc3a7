using Broker.Core.Connections;
using Broker.Core.Shards;

namespace Broker.Core.Topics;

/// <summary>The subscribers of one key that live on <paramref name="Shard"/> (immutable: part of a route snapshot).</summary>
internal sealed record ShardGroup(Shard Shard, Subscriber[] Members);
