using System.Buffers.Binary;

namespace Broker.Protocol.Framing;

/// <summary>
/// Encodes masked client frames (RFC 6455 §5.2, §5.3: every client frame is masked), the client-side twin of
/// <see cref="FrameWriter"/>: the one encoder the load tool, the benchmarks and the tests use for frames a real client
/// sends. (Tests that must send frames no client may send, unmasked or with non-minimal lengths, build them by hand.)
/// </summary>
public static class ClientFrameWriter
{
    /// <summary>2 bytes, a 64-bit extended length and the 4-byte mask key.</summary>
    public const int MaxHeaderLength = 14;

    /// <summary>
    /// Writes one frame carrying <paramref name="payload"/> masked with <paramref name="maskKey"/> (the little-endian
    /// read of its four wire bytes); returns its length. <paramref name="rsv"/> sets RSV1-3 (bit values 4, 2, 1: RSV1
    /// marks a permessage-deflate message's first frame).
    /// </summary>
    public static int Write(Span<byte> destination, OpCode opCode, ReadOnlySpan<byte> payload, int maskKey,
        bool fin = true, int rsv = 0)
    {
        destination[0] = (byte)((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | (byte)opCode);
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

    /// <summary>The same frame as a new array (tests and one-off sends; hot paths write into their own buffers).</summary>
    public static byte[] Encode(OpCode opCode, ReadOnlySpan<byte> payload, int maskKey, bool fin = true, int rsv = 0)
    {
        var length = payload.Length <= 125 ? 6 : payload.Length <= ushort.MaxValue ? 8 : MaxHeaderLength;
        var frame = new byte[length + payload.Length];
        Write(frame, opCode, payload, maskKey, fin, rsv);
        return frame;
    }
}
