using System.Buffers;

namespace Broker.Protocol.Framing;

/// <summary>
/// One complete data message (fragments reassembled, decompressed, UTF-8 checked) or one control frame.
/// <see cref="Payload"/> is only valid until the next call to <see cref="MessageReader.TryRead"/> or until the
/// input buffer is advanced: copy what must outlive it.
/// </summary>
public readonly struct ReceivedMessage(OpCode opCode, ReadOnlySequence<byte> payload)
{
    /// <summary>Text, Binary, Close, Ping or Pong (never Continuation).</summary>
    public OpCode OpCode { get; } = opCode;

    /// <summary>The unmasked (and decompressed) payload.</summary>
    public ReadOnlySequence<byte> Payload { get; } = payload;
}
