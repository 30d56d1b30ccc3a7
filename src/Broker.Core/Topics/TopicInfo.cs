namespace Broker.Core.Topics;

/// <summary>A subscription key with local subscribers, as listed by <c>GET /api/topics</c>.</summary>
/// <param name="Key">A concrete topic or a wildcard pattern.</param>
/// <param name="Subscribers">How many connections on this node hold it.</param>
public sealed record TopicInfo(string Key, int Subscribers);
