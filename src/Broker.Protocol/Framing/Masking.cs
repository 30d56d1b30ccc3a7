using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Broker.Protocol.Framing;

/// <summary>RFC 6455 §5.3 client-to-server masking: payload byte i is XORed with mask key byte (i mod 4).</summary>
public static class Masking
{
    /// <summary>
    /// XORs <paramref name="data"/> in place with the mask key, starting at key position <paramref name="offset"/>
    /// (0–3), and returns the key position of the byte after it, so a payload split across segments can be unmasked
    /// one segment at a time. Masking and unmasking are the same operation.
    /// </summary>
    /// <param name="data">Bytes to transform in place.</param>
    /// <param name="maskKey">The four key bytes in wire order, read as a little-endian 32-bit value
    /// (<c>BinaryPrimitives.ReadInt32LittleEndian</c> of the key as it appears in the frame header).</param>
    /// <param name="offset">Position in the key of <c>data[0]</c>: the payload offset of <c>data[0]</c> modulo 4.</param>
    public static int Unmask(Span<byte> data, int maskKey, int offset)
    {
        // Rotate so that key byte `offset` is the lowest byte: every later step starts at a multiple of 4 from here.
        var key = BitOperations.RotateRight((uint)maskKey, (offset & 3) * 8);
        ref var start = ref MemoryMarshal.GetReference(data);
        var length = (nuint)data.Length;
        nuint i = 0;

        if (Vector512.IsHardwareAccelerated && length >= (nuint)Vector512<byte>.Count)
        {
            var mask = Vector512.Create(key).AsByte();
            for (; i + (nuint)Vector512<byte>.Count <= length; i += (nuint)Vector512<byte>.Count)
                (Vector512.LoadUnsafe(ref start, i) ^ mask).StoreUnsafe(ref start, i);
        }
        if (Vector256.IsHardwareAccelerated && length - i >= (nuint)Vector256<byte>.Count)
        {
            var mask = Vector256.Create(key).AsByte();
            for (; i + (nuint)Vector256<byte>.Count <= length; i += (nuint)Vector256<byte>.Count)
                (Vector256.LoadUnsafe(ref start, i) ^ mask).StoreUnsafe(ref start, i);
        }
        if (Vector128.IsHardwareAccelerated && length - i >= (nuint)Vector128<byte>.Count)
        {
            var mask = Vector128.Create(key).AsByte();
            for (; i + (nuint)Vector128<byte>.Count <= length; i += (nuint)Vector128<byte>.Count)
                (Vector128.LoadUnsafe(ref start, i) ^ mask).StoreUnsafe(ref start, i);
        }

        var wide = key | ((ulong)key << 32);
        for (; i + sizeof(ulong) <= length; i += sizeof(ulong))
        {
            ref var at = ref Unsafe.Add(ref start, i);
            Unsafe.WriteUnaligned(ref at, Unsafe.ReadUnaligned<ulong>(ref at) ^ wide);
        }
        for (; i < length; i++)
        {
            Unsafe.Add(ref start, i) ^= (byte)key;
            key = BitOperations.RotateRight(key, 8);
        }
        return (offset + data.Length) & 3;
    }
}
