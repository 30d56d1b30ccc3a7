namespace Broker.Protocol.Client;

/// <summary>A client's place in a topic's stream, as sent in <c>since</c>: the last offset it has, in <see cref="Epoch"/>.</summary>
/// <param name="Offset">The last offset the client received (0: none yet).</param>
/// <param name="Epoch">The epoch that offset belongs to.</param>
public sealed record StreamPosition(long Offset, string Epoch);

/// <summary>The optional recovery fields of a command, parsed together.</summary>
internal readonly record struct RecoveryFields(int? Limit, StreamPosition? Since);
