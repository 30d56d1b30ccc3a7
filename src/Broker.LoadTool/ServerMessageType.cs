namespace Broker.LoadTool;

/// <summary>What the load tool needs from one server JSON message (docs/protocol.md, "Server → client").</summary>
internal enum ServerMessageType
{
    Other,
    Message,
    Ack,
    Error,
}
