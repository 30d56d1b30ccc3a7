namespace Broker.Core.Backplane;

/// <summary>
/// Where a topic stands: its <paramref name="Epoch"/> (changes whenever the topic's past is lost) and the last
/// <paramref name="Offset"/> given in that epoch (0 before the first publish). Offsets compare only within one epoch.
/// </summary>
public readonly record struct TopicPosition(string Epoch, long Offset);
