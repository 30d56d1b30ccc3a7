using System.Buffers.Binary;
using Broker.Protocol.Framing;

namespace Broker.LoadTool;

/// <summary>
/// Encodes masked client frames (RFC 6455 §5.2, §5.3: every client frame is masked). The codec's
/// <see cref="FrameWriter"/> writes unmasked server frames only; this is its client-side twin for the load tool.
/// </summary>
internal static class ClientFrame
{
    /// <summary>2 bytes, a 64-bit extended length and the 4-byte mask key.</summary>
    public const int MaxHeaderLength = 14;

    /// <summary>Writes one final frame carrying <paramref name="payload"/> masked with <paramref name="maskKey"/>; returns its length.</summary>
    public static int Write(Span<byte> destination, OpCode opCode, ReadOnlySpan<byte> payload, int maskKey)
    {
        destination[0] = (byte)(0x80 | (byte)opCode);
        int at;
        if (payload.Length <= 125)
        {
            destination[1] = (byte)(0x80 | payload.Length);
            at = 2;
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            destination[1] = 0x80 | 126;
            BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)payload.Length);
            at = 4;
        }
        else
        {
            destination[1] = 0x80 | 127;
            BinaryPrimitives.WriteUInt64BigEndian(destination[2..], (ulong)payload.Length);
            at = 10;
        }
        // Masking.Unmask takes the key as the little-endian read of its wire bytes, so write it back the same way.
        BinaryPrimitives.WriteInt32LittleEndian(destination[at..], maskKey);
        at += 4;
        var body = destination.Slice(at, payload.Length);
        payload.CopyTo(body);
        Masking.Unmask(body, maskKey, 0);
        return at + payload.Length;
    }
}
