namespace Broker.Protocol.Framing;

/// <summary>RFC 6455 §5.2 frame opcodes. 0x3–0x7 and 0xB–0xF are reserved and fail the connection with 1002.</summary>
public enum OpCode : byte
{
    /// <summary>Continues a fragmented data message.</summary>
    Continuation = 0x0,
    /// <summary>A UTF-8 text message (or its first fragment).</summary>
    Text = 0x1,
    /// <summary>A binary message (or its first fragment).</summary>
    Binary = 0x2,
    /// <summary>Starts or answers the closing handshake (§5.5.1).</summary>
    Close = 0x8,
    /// <summary>Heartbeat request; answered with a Pong carrying the same payload (§5.5.2).</summary>
    Ping = 0x9,
    /// <summary>Heartbeat answer; unsolicited pongs are ignored (§5.5.3).</summary>
    Pong = 0xA,
}
