using System.Buffers;

namespace Broker.Protocol.Framing;

public sealed partial class MessageReader
{
    // RFC 6455 §8.1 (Autobahn 6.4.3/6.4.4): a text frame still arriving fails at its first invalid byte, not at its end.
    // The frame stays unconsumed, so the finished message is still a slice of the input; the pipe hands its bytes back
    // where they were with more appended, so only what arrived since the last call is unmasked and validated.
    private void CheckTextPrefix(in ReadOnlySequence<byte> available, in FrameHeader header)
    {
        var fresh = available.Slice(_textPrefixChecked);
        if (fresh.IsEmpty)
            return;
        if (_textPrefixChecked == 0)
            _utf8.Reset();
        if (header.Masked)
            Unmask(fresh, header.MaskKey, (int)(_textPrefixChecked & 3));
        _textPrefixChecked += fresh.Length;
        if (!AppendUtf8(fresh, final: false))
            ProtocolErrors.Throw(CloseStatus.InvalidPayloadData, "text message is not valid UTF-8");
    }

    // The whole frame is buffered: unmask and validate the part no earlier call has.
    private void CompleteSingleFrameText(in ReadOnlySequence<byte> payload, in FrameHeader header)
    {
        var alreadyChecked = _textPrefixChecked;
        _textPrefixChecked = 0;
        if (alreadyChecked == 0)
            _utf8.Reset();
        var remaining = payload.Slice(alreadyChecked);
        if (header.Masked)
            Unmask(remaining, header.MaskKey, (int)(alreadyChecked & 3));
        if (!AppendUtf8(remaining, final: true))
            ProtocolErrors.Throw(CloseStatus.InvalidPayloadData, "text message is not valid UTF-8");
    }

    private bool AppendUtf8(in ReadOnlySequence<byte> bytes, bool final)
    {
        if (bytes.IsSingleSegment)
            return _utf8.TryAppend(bytes.FirstSpan, final);
        foreach (var segment in bytes)
        {
            if (!_utf8.TryAppend(segment.Span, final: false))
                return false;
        }
        return !final || _utf8.TryAppend(default, final: true);
    }
}
