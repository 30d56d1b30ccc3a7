using System.Buffers;
using Broker.Protocol.Compression;

namespace Broker.Protocol.Framing;

public sealed partial class MessageReader
{
    // RFC 7692 §7.2.2: the sender removed this flush marker from the end of each compressed message.
    private static ReadOnlySpan<byte> DeflateTail => [0x00, 0x00, 0xFF, 0xFF];

    private int _bytesAfterFinalBlock;

    private void StartBufferedMessage(OpCode opCode, bool compressed)
    {
        _messageOpCode = opCode;
        _messageCompressed = compressed;
        _length = 0;
        _bytesAfterFinalBlock = 0;
        _utf8.Reset();
        if (compressed)
            _inflater ??= new Inflater(_deflate!.ClientMaxWindowBits);
    }

    private void Append(in ReadOnlySequence<byte> payload, bool fin)
    {
        if (_messageCompressed)
        {
            foreach (var segment in payload)
                Inflate(segment.Span, tail: false);
            if (fin)
                Inflate(DeflateTail, tail: true);
        }
        else
        {
            EnsureCapacity(_length + (int)payload.Length);
            payload.CopyTo(_buffer.AsSpan(_length));
            Validate(_length, (int)payload.Length);
            _length += (int)payload.Length;
        }
        if (fin && _messageOpCode == OpCode.Text && !_utf8.TryAppend(default, final: true))
            ProtocolErrors.Throw(CloseStatus.InvalidPayloadData, "text message ends inside a UTF-8 sequence");
    }

    private void StartFramePayload(in FrameHeader header)
    {
        _frameRemaining = header.PayloadLength;
        _frameFin = header.Fin;
        _frameMaskKey = header.Masked ? header.MaskKey : 0;
        _frameMaskOffset = 0;
    }

    // Unmasks, appends and validates whatever part of the current frame's payload is buffered, so invalid UTF-8 or an
    // inflation past the limit fails as soon as the offending bytes arrive. True when this completed the message.
    private bool ConsumeFramePayload(ref ReadOnlySequence<byte> buffer)
    {
        var chunk = buffer.Slice(0, Math.Min(buffer.Length, _frameRemaining));
        if (_frameMaskKey != 0)
            _frameMaskOffset = Unmask(chunk, _frameMaskKey, _frameMaskOffset);
        _frameRemaining -= chunk.Length;
        buffer = buffer.Slice(chunk.End);
        var messageEnds = _frameFin && _frameRemaining == 0;
        if (chunk.IsEmpty && !messageEnds)
            return false;
        Append(chunk, messageEnds);
        return messageEnds;
    }

    private ReceivedMessage CompleteBufferedMessage()
    {
        var message = new ReceivedMessage(_messageOpCode, new ReadOnlySequence<byte>(_buffer!, 0, _length));
        _bufferHandedOut = true;
        _messageOpCode = OpCode.Continuation;
        MessageEnded();
        // RFC 7692 §7.1.1.2: without client context takeover no message refers back into an earlier one. A final
        // deflate block also ends the stream, so the next message starts a new one.
        if (_messageCompressed && (_deflate!.ClientNoContextTakeover || _inflater!.Finished))
            _inflater!.Reset();
        return message;
    }

    // Inflates until the input is used up and zlib has no more output pending, enforcing the limit as bytes appear:
    // a compression bomb fails after at most one spare byte past the limit.
    // Nothing may follow a final block (BFINAL) but the start of the empty stored block a sync flush adds (RFC 7692
    // §7.2.3.4 shows that one 0x00 byte) and the 00 00 FF FF the reader itself appends. Anything else would be silently
    // dropped, so it is a protocol error rather than a way to hide bytes in a message.
    private void Inflate(ReadOnlySpan<byte> input, bool tail)
    {
        while (true)
        {
            if (_inflater!.Finished)
            {
                if (!tail)
                {
                    foreach (var b in input)
                        if (b != 0 || ++_bytesAfterFinalBlock > 1)
                            ProtocolErrors.Throw(CloseStatus.ProtocolError, "data after the final deflate block");
                }
                return;
            }
            if (_buffer is null || _length == _buffer.Length)
                EnsureCapacity(_length + 1);
            var space = Math.Min(_buffer!.Length, _maxMessageBytes + 1) - _length;
            if (!_inflater!.TryInflate(input, _buffer.AsSpan(_length, space), out var consumed, out var written))
                ProtocolErrors.Throw(CloseStatus.InvalidPayloadData, "compressed message is not valid deflate data");
            Validate(_length, written);
            _length += written;
            if (_length > _maxMessageBytes)
                ProtocolErrors.Throw(CloseStatus.MessageTooBig, "decompressed message exceeds the size limit");
            input = input[consumed..];
            if (input.IsEmpty && written < space)
                return;
        }
    }

    private void Validate(int start, int count)
    {
        if (_messageOpCode == OpCode.Text && !_utf8.TryAppend(_buffer.AsSpan(start, count), final: false))
            ProtocolErrors.Throw(CloseStatus.InvalidPayloadData, "text message is not valid UTF-8");
    }

    // Grows the pooled buffer by doubling, never beyond the limit plus the one spare byte inflation needs.
    private void EnsureCapacity(int needed)
    {
        if (_buffer is not null && _buffer.Length >= needed)
            return;
        var size = Math.Max(needed, Math.Max(InitialBufferBytes, (_buffer?.Length ?? 0) * 2));
        size = (int)Math.Min(size, Math.Max(needed, _maxMessageBytes + 1L));
        var larger = ArrayPool<byte>.Shared.Rent(size);
        if (_buffer is not null)
        {
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = larger;
    }
}
