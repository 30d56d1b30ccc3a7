using System.Buffers;
using System.Buffers.Binary;

namespace Broker.Protocol.Framing;

/// <summary>
/// One parsed frame header (RFC 6455 §5.2):
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-------+-+-------------+-------------------------------+
/// |F|R|R|R| opcode|M| Payload len |    Extended payload length    |
/// |I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
/// |N|V|V|V|       |S|             |   (if payload len==126/127)   |
/// | |1|2|3|       |K|             |                               |
/// +-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
/// |     Extended payload length continued, if payload len == 127  |
/// + - - - - - - - - - - - - - - - +-------------------------------+
/// |                               |Masking-key, if MASK set to 1  |
/// +-------------------------------+-------------------------------+
/// </code>
/// Lengths need not use the shortest form: RFC 6455 §5.2 says "the minimal number of bytes MUST be used to encode the
/// length", but rejecting a longer form protects nothing (the length is still bounded by the message limit), and
/// common clients never send one, so the reader accepts it.
/// </summary>
internal readonly struct FrameHeader(byte first, byte second, long payloadLength, int maskKey, int length)
{
    /// <summary>The longest header: 2 bytes, a 64-bit extended length and a 4-byte mask key.</summary>
    public const int MaxLength = 14;

    public bool Fin => (first & 0x80) != 0;
    public bool Rsv1 => (first & 0x40) != 0;
    public OpCode OpCode => (OpCode)(first & 0x0F);
    public bool IsControl => (first & 0x08) != 0;
    public bool Masked => (second & 0x80) != 0;

    public long PayloadLength => payloadLength;

    /// <summary>The key bytes in wire order, read little-endian (what <see cref="Masking.Unmask"/> expects).</summary>
    public int MaskKey => maskKey;

    /// <summary>Header bytes, 2 to 14.</summary>
    public int Length => length;

    /// <summary>Reads the first two bytes; false when fewer are buffered.</summary>
    public static bool TryPeekStart(in ReadOnlySequence<byte> buffer, out byte first, out byte second)
    {
        var span = buffer.FirstSpan;
        if (span.Length >= 2)
        {
            first = span[0];
            second = span[1];
            return true;
        }
        first = second = 0;
        if (buffer.Length < 2)
            return false;
        Span<byte> start = stackalloc byte[2];
        buffer.Slice(0, 2).CopyTo(start);
        first = start[0];
        second = start[1];
        return true;
    }

    /// <summary>
    /// Parses the whole header once <paramref name="first"/> and <paramref name="second"/> are known to be acceptable;
    /// false when it is not yet buffered. Fails with 1002 when a 64-bit length has its most significant bit set.
    /// </summary>
    public static bool TryRead(in ReadOnlySequence<byte> buffer, byte first, byte second, out FrameHeader header)
    {
        var shortLength = second & 0x7F;
        var extended = shortLength switch { 126 => 2, 127 => 8, _ => 0 };
        var maskBytes = (second & 0x80) != 0 ? 4 : 0;
        var length = 2 + extended + maskBytes;
        if (buffer.Length < length)
        {
            header = default;
            return false;
        }

        // A header spanning segments is copied to the stack; the common case reads the first segment directly.
        var span = buffer.FirstSpan;
        if (span.Length >= length)
        {
            header = Parse(span, first, second, shortLength, extended, maskBytes, length);
            return true;
        }
        Span<byte> copy = stackalloc byte[MaxLength];
        buffer.Slice(0, length).CopyTo(copy);
        header = Parse(copy, first, second, shortLength, extended, maskBytes, length);
        return true;
    }

    private static FrameHeader Parse(ReadOnlySpan<byte> bytes, byte first, byte second, int shortLength, int extended,
        int maskBytes, int length)
    {
        long payloadLength = extended switch
        {
            2 => BinaryPrimitives.ReadUInt16BigEndian(bytes[2..]),
            8 => ReadLength64(bytes[2..]),
            _ => shortLength,
        };
        var maskKey = maskBytes == 4 ? BinaryPrimitives.ReadInt32LittleEndian(bytes[(2 + extended)..]) : 0;
        return new FrameHeader(first, second, payloadLength, maskKey, length);
    }

    private static long ReadLength64(ReadOnlySpan<byte> bytes)
    {
        var value = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        // RFC 6455 §5.2: "the most significant bit MUST be 0".
        if ((value & 0x8000_0000_0000_0000UL) != 0)
            ProtocolErrors.Throw(CloseStatus.ProtocolError, "64-bit payload length has its most significant bit set");
        return (long)value;
    }
}
