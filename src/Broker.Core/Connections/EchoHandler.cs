using System.Buffers;
using Broker.Protocol.Framing;

namespace Broker.Core.Connections;

/// <summary>RFC 6455 echo: every data message goes back with the same opcode and payload (conformance endpoint).</summary>
public sealed class EchoHandler : IMessageHandler
{
    /// <summary>Stateless, so one instance serves every connection.</summary>
    public static readonly EchoHandler Instance = new();

    private EchoHandler()
    {
    }

    /// <inheritdoc />
    public void OnMessage(IConnectionContext connection, OpCode opCode, in ReadOnlySequence<byte> payload) =>
        connection.Send(opCode, payload);

    /// <inheritdoc />
    public void OnStopped(IConnectionContext connection)
    {
    }
}
