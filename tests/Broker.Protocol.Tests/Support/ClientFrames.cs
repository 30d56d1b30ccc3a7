using System.Buffers.Binary;
using Broker.Protocol.Framing;

namespace Broker.Protocol.Tests.Support;

/// <summary>Test-only client-side encoder: builds (masked) frames byte by byte, including frames a real client must never send.</summary>
internal static class ClientFrames
{
    public static readonly byte[] DefaultKey = [0x37, 0xfa, 0x21, 0x3d];

    public static byte[] Frame(OpCode opCode, ReadOnlySpan<byte> payload, bool fin = true, bool rsv1 = false,
        bool rsv2 = false, bool rsv3 = false, byte[]? maskKey = null, bool masked = true, int lengthForm = 0)
    {
        var key = maskKey ?? DefaultKey;
        var header = new List<byte>
        {
            (byte)((fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | (rsv2 ? 0x20 : 0) | (rsv3 ? 0x10 : 0) | (int)opCode),
        };
        var maskBit = masked ? 0x80 : 0;
        // lengthForm forces a (non-minimal) 16- or 64-bit length; 0 picks the shortest.
        var form = lengthForm != 0 ? lengthForm : payload.Length <= 125 ? 7 : payload.Length <= ushort.MaxValue ? 16 : 64;
        Span<byte> extended = stackalloc byte[8];
        switch (form)
        {
            case 7:
                header.Add((byte)(maskBit | payload.Length));
                break;
            case 16:
                header.Add((byte)(maskBit | 126));
                BinaryPrimitives.WriteUInt16BigEndian(extended, (ushort)payload.Length);
                header.AddRange(extended[..2].ToArray());
                break;
            default:
                header.Add((byte)(maskBit | 127));
                BinaryPrimitives.WriteUInt64BigEndian(extended, (ulong)payload.Length);
                header.AddRange(extended.ToArray());
                break;
        }
        if (masked)
            header.AddRange(key);
        var frame = new byte[header.Count + payload.Length];
        header.CopyTo(frame);
        for (var i = 0; i < payload.Length; i++)
            frame[header.Count + i] = masked ? (byte)(payload[i] ^ key[i % 4]) : payload[i];
        return frame;
    }

    public static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
