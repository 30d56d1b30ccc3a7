namespace Broker.Protocol.Framing;

// Bounds on a message that never ends: the time it may take (MaxMessageDuration) and its empty fragments
// (MaxEmptyFragments). The byte limit alone does not bound either: a peer can keep a half-read message, and the buffer
// holding it, alive forever with empty fragments or one byte a minute. Only read while a message is unfinished, so the
// common path takes no timestamp.
public sealed partial class MessageReader
{
    private readonly long _maxMessageTicks;
    private readonly int _maxEmptyFragments;
    private readonly TimeProvider _clock;

    // When the unfinished data message started (TimeProvider timestamp); 0 while none is.
    private long _messageStartedAt;
    private int _emptyFragments;

    private void MessageStarted()
    {
        if (_messageStartedAt == 0 && _maxMessageTicks > 0)
            _messageStartedAt = Math.Max(1, _clock.GetTimestamp());
    }

    private void MessageEnded()
    {
        _messageStartedAt = 0;
        _emptyFragments = 0;
    }

    private void CheckMessageDeadline()
    {
        if (_messageStartedAt != 0 && _clock.GetTimestamp() - _messageStartedAt > _maxMessageTicks)
            ProtocolErrors.Throw(CloseStatus.PolicyViolation, "message not completed in time");
    }

    // A compressed message's empty fragments are ordinary: a streaming compressor (Autobahn|Python's, for one) emits
    // nothing for a small fragment until it flushes. Those stay bounded by the message's deadline.
    private void CountFragment(in FrameHeader header)
    {
        if (_messageCompressed)
            return;
        if (header.PayloadLength == 0 && !header.Fin && ++_emptyFragments > _maxEmptyFragments)
            ProtocolErrors.Throw(CloseStatus.PolicyViolation, "too many empty fragments in one message");
    }
}
