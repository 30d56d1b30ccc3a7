namespace Broker.Fuzz;

/// <summary>An input broke a property the target promises (a limit exceeded, a result that contradicts itself).</summary>
public sealed class FuzzInvariantException(string message) : Exception(message);
