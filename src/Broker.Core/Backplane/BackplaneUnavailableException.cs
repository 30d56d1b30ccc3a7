namespace Broker.Core.Backplane;

/// <summary>The backplane could not accept a publish; the client gets an error reply, never a false ack.</summary>
public sealed class BackplaneUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
