namespace Broker.Core.Namespaces;

/// <summary>How much of a topic's past the broker keeps for recovery and the <c>history</c> command.</summary>
/// <param name="Size">Most messages kept per topic; 0 keeps none.</param>
/// <param name="Ttl">How long a topic's history (and its offset and epoch) lives after its last publish.</param>
public sealed record HistoryOptions(int Size, TimeSpan Ttl)
{
    /// <summary>True when the namespace keeps any history.</summary>
    public bool Enabled => Size > 0;
}
