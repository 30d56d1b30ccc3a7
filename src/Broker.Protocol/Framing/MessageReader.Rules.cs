namespace Broker.Protocol.Framing;

public sealed partial class MessageReader
{
    // RFC 6455 §5.2–§5.5, checked in this order on the first two header bytes, so a bad frame fails before the rest of
    // its header or payload arrives: RSV bits, reserved opcodes, masking, control frame limits, fragmentation order.
    private void CheckFrameStart(byte first, byte second)
    {
        var opCode = (OpCode)(first & 0x0F);
        var isControl = (first & 0x08) != 0;
        if ((first & 0x30) != 0)
            ProtocolErrors.Throw(CloseStatus.ProtocolError, "RSV2 or RSV3 set without a negotiated extension");
        // RFC 7692 §6: RSV1 marks a compressed message, so only on the first frame of a data message.
        if ((first & 0x40) != 0 && (_deflate is null || isControl || opCode == OpCode.Continuation))
            ProtocolErrors.Throw(CloseStatus.ProtocolError, "RSV1 set where permessage-deflate does not allow it");
        if (opCode is not (OpCode.Continuation or OpCode.Text or OpCode.Binary or OpCode.Close or OpCode.Ping or OpCode.Pong))
            ProtocolErrors.Throw(CloseStatus.ProtocolError, "reserved opcode");
        // RFC 6455 §5.1: clients always mask, servers never do.
        if (((second & 0x80) != 0) != _requireMaskedFrames)
            ProtocolErrors.Throw(CloseStatus.ProtocolError, _requireMaskedFrames ? "client frame not masked" : "server frame masked");

        if (isControl)
        {
            // RFC 6455 §5.5: control frames are never fragmented and carry at most 125 bytes.
            if ((first & 0x80) == 0)
                ProtocolErrors.Throw(CloseStatus.ProtocolError, "fragmented control frame");
            if ((second & 0x7F) > 125)
                ProtocolErrors.Throw(CloseStatus.ProtocolError, "control frame payload over 125 bytes");
        }
        else if (opCode == OpCode.Continuation)
        {
            if (_messageOpCode == OpCode.Continuation)
                ProtocolErrors.Throw(CloseStatus.ProtocolError, "continuation frame without a message in progress");
        }
        else if (_messageOpCode != OpCode.Continuation)
        {
            ProtocolErrors.Throw(CloseStatus.ProtocolError, "new data message while a fragmented one is in progress");
        }
    }

    // Checked before waiting for the payload, so an oversized frame fails without being buffered.
    private void CheckPayloadLength(in FrameHeader header)
    {
        if (header.IsControl)
            return;
        var compressed = header.OpCode == OpCode.Continuation ? _messageCompressed : header.Rsv1;
        if (compressed)
        {
            // The inflated size is enforced while inflating; this only bounds what the pipe must hold for one frame.
            if (header.PayloadLength > _maxCompressedFrameBytes)
                ProtocolErrors.Throw(CloseStatus.MessageTooBig, "compressed frame exceeds the message size limit");
            return;
        }
        var alreadyBuffered = header.OpCode == OpCode.Continuation ? _length : 0;
        if (header.PayloadLength > _maxMessageBytes - alreadyBuffered)
            ProtocolErrors.Throw(CloseStatus.MessageTooBig, "message exceeds the size limit");
    }
}
