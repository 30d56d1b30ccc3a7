namespace Broker.Core.Namespaces;

/// <summary>
/// One namespace of <c>broker.namespaces</c>: the options of every topic its <see cref="Topics"/> pattern covers.
/// </summary>
/// <param name="Name">The key under <c>broker.namespaces</c> (<c>default</c> for topics outside every pattern).</param>
/// <param name="Topics">The pattern (<c>*</c>, <c>&gt;</c> and <c>{user}</c> segments); <c>&gt;</c> for the default.</param>
/// <param name="Subscribe">Who may subscribe.</param>
/// <param name="Publish">Who may publish from a client connection.</param>
/// <param name="History">History kept per topic.</param>
/// <param name="Presence">Whether <c>presence</c> and <c>presence_stats</c> are answered.</param>
/// <param name="JoinLeave">Whether subscribers receive <c>join</c> and <c>leave</c> events.</param>
public sealed record NamespaceOptions(
    string Name,
    string Topics,
    AccessRule Subscribe,
    AccessRule Publish,
    HistoryOptions History,
    bool Presence,
    bool JoinLeave)
{
    /// <summary>
    /// Above this many clients in a topic's presence no join or leave is sent for it (a crowded room costs no fan-out
    /// per arrival); <c>join-leave-max-subscribers</c>.
    /// </summary>
    public int JoinLeaveMaxSubscribers { get; init; } = 1000;

    /// <summary>Whether the topics keep presence entries: needed to answer presence and to know whom a leave is about.</summary>
    public bool TracksPresence => Presence || JoinLeave;

    /// <summary>The segment that stands for the token's subject in a pattern.</summary>
    public const string UserSegment = "{user}";
}
