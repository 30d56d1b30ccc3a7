using System.Buffers;
using System.Runtime.InteropServices;
using Broker.Protocol.Compression;
using Broker.Protocol.Text;

namespace Broker.Protocol.Framing;

/// <summary>
/// The inbound half of a connection's codec: parses frames, unmasks them in place, reassembles fragments,
/// decompresses, validates UTF-8 incrementally and enforces every RFC 6455 §5 rule. One per connection, not thread-safe.
/// </summary>
/// <remarks>
/// Every header is checked as soon as its first two bytes arrive, and its length before the payload is waited for, so a
/// bad or oversized frame fails early. An unfragmented, uncompressed message (the common case) is returned as a slice of
/// the input without copying: nothing of it is consumed until the whole frame is buffered. While such a text frame is
/// still arriving, its buffered part is unmasked and UTF-8-validated in place, once, so invalid text fails before the
/// frame ends; this relies on the caller handing the unconsumed bytes back unchanged, as a pipe does. Fragments of a
/// fragmented message, and compressed frames, are consumed as they arrive: unmasked, copied (or inflated) once into a
/// pooled buffer the reader owns and UTF-8-validated piece by piece, so invalid text fails at the piece holding the first
/// bad byte. That buffer goes back to the pool on the next call to <see cref="TryRead"/> or on <see cref="Dispose"/>;
/// an idle reader holds no buffer.
/// With a pipe: call <see cref="TryRead"/> until it returns false, handling each message before the next call, then
/// <c>AdvanceTo(buffer.Start, buffer.End)</c>.
/// </remarks>
public sealed partial class MessageReader : IDisposable
{
    private const int InitialBufferBytes = 4096;

    private readonly int _maxMessageBytes;
    private readonly long _maxCompressedFrameBytes;
    private readonly DeflateParameters? _deflate;
    private readonly bool _requireMaskedFrames;
    private Inflater? _inflater;

    // The data message being reassembled (RFC 6455 §5.4); Continuation means none.
    private OpCode _messageOpCode;
    private bool _messageCompressed;
    private Utf8Validator _utf8;
    private byte[]? _buffer;

    // The frame of that message whose payload is still arriving.
    private long _frameRemaining;
    private bool _frameFin;
    private int _frameMaskKey;
    private int _frameMaskOffset;

    // How much of an unfinished unfragmented text frame's payload is already unmasked and validated in place; 0 when none.
    private long _textPrefixChecked;

    private int _length;
    private bool _bufferHandedOut;
    private bool _disposed;

    /// <summary>Creates a reader for one connection.</summary>
    public MessageReader(MessageReaderOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxMessageBytes);
        // One spare byte above the limit lets inflation detect an oversized message, so cap below the array limit.
        _maxMessageBytes = (int)Math.Min(options.MaxMessageBytes, Array.MaxLength - 1);
        // Deflate expands incompressible data, by how much depends on the compressor: 5 bytes per 64 KiB with stored
        // blocks, but 1/8 with fixed Huffman codes (zlib-ng's fastest level, .NET's CompressionLevel.Fastest), and a
        // literal never costs more than 15 bits (RFC 1951 §3.2.7). So a compressed frame may be twice the message limit;
        // this bounds only the work per frame (compressed frames are consumed as they arrive, the inflated size is
        // enforced while inflating), and a tighter bound would reject legal incompressible messages near the limit.
        _maxCompressedFrameBytes = 2L * _maxMessageBytes + 1024;
        _deflate = options.Deflate;
        _requireMaskedFrames = options.RequireMaskedFrames;
        _clock = options.Clock ?? TimeProvider.System;
        _maxMessageTicks = options.MaxMessageDuration is { } duration
            ? Math.Max(1, (long)(duration.TotalSeconds * _clock.TimestampFrequency))
            : 0;
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxEmptyFragments);
        _maxEmptyFragments = options.MaxEmptyFragments;
    }

    /// <summary>
    /// Reads the next complete message or control frame from <paramref name="buffer"/>, slicing off what it consumed.
    /// Returns false (keeping partial state) when more bytes are needed. Control frames between fragments are returned at once.
    /// Throws <see cref="WebSocketProtocolException"/> with the close code for any violation.
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out ReceivedMessage message)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ReturnHandedOutBuffer();
        CheckMessageDeadline();
        while (true)
        {
            if (_frameRemaining > 0)
            {
                if (ConsumeFramePayload(ref buffer))
                {
                    message = CompleteBufferedMessage();
                    return true;
                }
                if (_frameRemaining > 0)
                    break;
            }
            if (!FrameHeader.TryPeekStart(buffer, out var first, out var second))
                break;
            CheckFrameStart(first, second);
            if (!FrameHeader.TryRead(buffer, first, second, out var header))
                break;
            CheckPayloadLength(header);
            if (!header.IsControl && (header.OpCode == OpCode.Continuation || !header.Fin || header.Rsv1))
            {
                // Part of a fragmented or compressed message: copied out anyway, so take its payload as it arrives.
                if (header.OpCode != OpCode.Continuation)
                    StartBufferedMessage(header.OpCode, header.Rsv1);
                CountFragment(header);
                MessageStarted();
                buffer = buffer.Slice(header.Length);
                StartFramePayload(header);
                if (ConsumeFramePayload(ref buffer))
                {
                    message = CompleteBufferedMessage();
                    return true;
                }
                continue;
            }
            if (buffer.Length - header.Length < header.PayloadLength)
            {
                if (!header.IsControl)
                    MessageStarted();
                if (header.OpCode == OpCode.Text)
                    CheckTextPrefix(buffer.Slice(header.Length), header);
                break;
            }

            var payload = buffer.Slice(header.Length, header.PayloadLength);
            var rest = buffer.Slice(payload.End);
            // The common case: a whole uncompressed message in one frame, returned as a slice of the input.
            if (!header.IsControl)
                MessageEnded();
            if (header.OpCode == OpCode.Text)
            {
                CompleteSingleFrameText(payload, header);
                buffer = rest;
                message = new ReceivedMessage(OpCode.Text, payload);
                return true;
            }
            if (header.Masked)
                Unmask(payload, header.MaskKey);

            if (header.IsControl)
            {
                if (header.OpCode == OpCode.Close && ClosePayload.Validate(payload, out var problem) is { } status)
                    ProtocolErrors.Throw(status, problem!);
                buffer = rest;
                message = new ReceivedMessage(header.OpCode, payload);
                return true;
            }

            buffer = rest;
            message = new ReceivedMessage(header.OpCode, payload);
            return true;
        }
        message = default;
        return false;
    }

    /// <summary>Returns pooled buffers.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        if (_buffer is not null)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = null;
        _inflater?.Dispose();
    }

    // RFC 6455 §5.3: the payload is pipe memory the reader may write; unmask each segment, carrying the key position.
    private static int Unmask(in ReadOnlySequence<byte> payload, int maskKey, int offset = 0)
    {
        if (payload.IsSingleSegment)
            return Masking.Unmask(MemoryMarshal.AsMemory(payload.First).Span, maskKey, offset);
        foreach (var segment in payload)
            offset = Masking.Unmask(MemoryMarshal.AsMemory(segment).Span, maskKey, offset);
        return offset;
    }

    private void ReturnHandedOutBuffer()
    {
        if (!_bufferHandedOut)
            return;
        _bufferHandedOut = false;
        ArrayPool<byte>.Shared.Return(_buffer!);
        _buffer = null;
    }
}
