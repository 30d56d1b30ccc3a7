using System.Buffers;

namespace Broker.Protocol.Compression;

/// <summary>
/// A raw-deflate compressor producing permessage-deflate message bodies (RFC 7692 §7.2.1): each message ends with a
/// flush whose trailing 00 00 FF FF is stripped. Owns native zlib state; not thread-safe.
/// </summary>
internal sealed unsafe class Deflater : ZLibHandle
{
    private static ReadOnlySpan<byte> FlushTail => [0x00, 0x00, 0xFF, 0xFF];

    /// <param name="windowBits">LZ77 window, 9–15 (zlib's raw deflate cannot use 8).</param>
    public Deflater(int windowBits)
    {
        if (windowBits is < 9 or > 15)
            throw new ArgumentOutOfRangeException(nameof(windowBits), windowBits, "raw deflate supports 9-15 window bits");
        fixed (ZStream* stream = &State)
            Check(ZLibNative.DeflateInit2(stream, ZLibNative.DefaultCompression, ZLibNative.Deflated, -windowBits,
                ZLibNative.DefaultMemLevel, ZLibNative.DefaultStrategy), "deflateInit2");
    }

    /// <summary>
    /// Compresses one whole message into <paramref name="output"/> (a pooled array, replaced by a larger one when needed;
    /// the caller returns it to <see cref="ArrayPool{T}.Shared"/>) and returns the body length.
    /// </summary>
    /// <param name="input">The message payload.</param>
    /// <param name="forgetContext">True for no context takeover: a full flush, so the next message never refers back
    /// into this one and the peer can decode each message on its own.</param>
    /// <param name="output">A rented buffer, or null to rent one.</param>
    public int Compress(ReadOnlySpan<byte> input, bool forgetContext, ref byte[]? output)
    {
        ThrowIfDisposed();
        // RFC 7692 §7.2.3.6: an empty message compresses to one 0x00 byte (an empty stored block, tail stripped).
        // zlib would emit nothing for a second consecutive flush without input, so say it directly.
        output ??= ArrayPool<byte>.Shared.Rent(Math.Max(64, input.Length + (input.Length >> 8) + 32));
        if (input.IsEmpty)
        {
            output[0] = 0x00;
            return 1;
        }

        var flush = forgetContext ? ZLibNative.FullFlush : ZLibNative.SyncFlush;
        var written = 0;
        fixed (byte* inputPointer = input)
        fixed (ZStream* stream = &State)
        {
            stream->NextIn = inputPointer;
            stream->AvailIn = (uint)input.Length;
            while (true)
            {
                if (written == output.Length)
                    Grow(ref output, written);
                fixed (byte* outputPointer = &output[written])
                {
                    stream->NextOut = outputPointer;
                    stream->AvailOut = (uint)(output.Length - written);
                    var result = ZLibNative.Deflate(stream, flush);
                    if (result is not (ZLibNative.Ok or ZLibNative.BufError))
                        throw new InvalidOperationException($"deflate failed with zlib code {result}");
                    written = output.Length - (int)stream->AvailOut;
                    // zlib: the flush is complete once it returns with output space left over.
                    if (stream->AvailOut != 0 && stream->AvailIn == 0)
                        break;
                }
            }
            stream->NextIn = null;
            stream->NextOut = null;
        }

        if (written < FlushTail.Length || !output.AsSpan(written - FlushTail.Length, FlushTail.Length).SequenceEqual(FlushTail))
            throw new InvalidOperationException("deflate flush did not end with 00 00 FF FF");
        return written - FlushTail.Length;
    }

    protected override void End(ZStream* stream) => _ = ZLibNative.DeflateEnd(stream);

    private static void Grow(ref byte[] output, int used)
    {
        var larger = ArrayPool<byte>.Shared.Rent(output.Length * 2);
        output.AsSpan(0, used).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(output);
        output = larger;
    }
}
