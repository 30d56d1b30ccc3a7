using System.Buffers;
using System.Buffers.Binary;

namespace Broker.Protocol.Framing;

/// <summary>Encodes unmasked server frames (RFC 6455 §5.2: a server never masks).</summary>
public static class FrameWriter
{
    /// <summary>The longest server frame header: 2 bytes plus a 64-bit extended length, no mask key.</summary>
    public const int MaxHeaderLength = 10;

    /// <summary>Writes a header for a payload of <paramref name="payloadLength"/> bytes and returns its length.</summary>
    public static int WriteHeader(Span<byte> destination, OpCode opCode, long payloadLength, bool fin = true, bool rsv1 = false)
    {
        destination[0] = (byte)((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | (byte)opCode);
        if (payloadLength <= 125)
        {
            destination[1] = (byte)payloadLength;
            return 2;
        }
        if (payloadLength <= ushort.MaxValue)
        {
            destination[1] = 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payloadLength);
            return 4;
        }
        destination[1] = 127;
        BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payloadLength);
        return 10;
    }

    /// <summary>Encodes a whole frame into one new array: used for frames built once and shared by many connections.</summary>
    public static byte[] Encode(OpCode opCode, ReadOnlySpan<byte> payload, bool rsv1 = false)
    {
        Span<byte> header = stackalloc byte[MaxHeaderLength];
        var headerLength = WriteHeader(header, opCode, payload.Length, fin: true, rsv1);
        var frame = GC.AllocateUninitializedArray<byte>(headerLength + payload.Length);
        header[..headerLength].CopyTo(frame);
        payload.CopyTo(frame.AsSpan(headerLength));
        return frame;
    }

    /// <summary>Writes a whole frame into <paramref name="output"/>.</summary>
    public static void Write(IBufferWriter<byte> output, OpCode opCode, ReadOnlySpan<byte> payload, bool rsv1 = false)
    {
        var span = output.GetSpan(MaxHeaderLength + payload.Length);
        var headerLength = WriteHeader(span, opCode, payload.Length, fin: true, rsv1);
        payload.CopyTo(span[headerLength..]);
        output.Advance(headerLength + payload.Length);
    }
}
