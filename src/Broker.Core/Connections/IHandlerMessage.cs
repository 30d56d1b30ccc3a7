namespace Broker.Core.Connections;

/// <summary>
/// A message for a connection's <see cref="IMessageHandler"/> rather than for the actor itself: a reply the handler
/// asked for (a subscribe ack, a backplane outcome piped back) or a command addressed to the connection's user. The
/// actor receives this type in every state and passes it to <see cref="IMessageHandler.OnHandlerMessage"/>; anything
/// else it does not know is unhandled.
/// </summary>
public interface IHandlerMessage;
