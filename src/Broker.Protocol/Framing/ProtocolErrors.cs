using System.Diagnostics.CodeAnalysis;

namespace Broker.Protocol.Framing;

/// <summary>Throw helpers kept out of the hot paths so those stay small enough to inline.</summary>
internal static class ProtocolErrors
{
    [DoesNotReturn]
    public static void Throw(CloseStatus status, string reason) => throw new WebSocketProtocolException(status, reason);
}
