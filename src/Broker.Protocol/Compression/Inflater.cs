namespace Broker.Protocol.Compression;

/// <summary>A raw-deflate decompressor for permessage-deflate message bodies. Owns native zlib state; not thread-safe.</summary>
internal sealed unsafe class Inflater : ZLibHandle
{
    private readonly int _windowBits;

    /// <param name="windowBits">The peer's LZ77 window, 8–15. 8 is raised to 9: zlib compresses with 9 when asked
    /// for 8, so a peer that offered 8 may still refer 512 bytes back.</param>
    public Inflater(int windowBits)
    {
        _windowBits = -Math.Clamp(windowBits, 9, 15);
        fixed (ZStream* stream = &State)
            Check(ZLibNative.InflateInit2(stream, _windowBits), "inflateInit2");
    }

    /// <summary>True once the peer ended its deflate stream with a final block; <see cref="Reset"/> starts a new one.</summary>
    public bool Finished { get; private set; }

    /// <summary>
    /// Inflates from <paramref name="input"/> into <paramref name="output"/> and reports how much of each it used.
    /// Returns false when the input is not valid deflate data. Input after the stream's final block is left unconsumed.
    /// </summary>
    public bool TryInflate(ReadOnlySpan<byte> input, Span<byte> output, out int consumed, out int written)
    {
        ThrowIfDisposed();
        consumed = written = 0;
        if (Finished)
            return true; // nothing follows a final block; the caller decides whether leftover input is an error
        fixed (byte* inputPointer = input)
        fixed (byte* outputPointer = output)
        fixed (ZStream* stream = &State)
        {
            stream->NextIn = inputPointer;
            stream->AvailIn = (uint)input.Length;
            stream->NextOut = outputPointer;
            stream->AvailOut = (uint)output.Length;
            var result = ZLibNative.Inflate(stream, ZLibNative.NoFlush);
            consumed = input.Length - (int)stream->AvailIn;
            written = output.Length - (int)stream->AvailOut;
            stream->NextIn = null;
            stream->NextOut = null;
            if (result == ZLibNative.StreamEnd)
            {
                Finished = true;
                return true;
            }
            return result is ZLibNative.Ok or ZLibNative.BufError;
        }
    }

    /// <summary>Forgets the window and any finished stream (no context takeover, or after a final block).</summary>
    public void Reset()
    {
        ThrowIfDisposed();
        Finished = false;
        fixed (ZStream* stream = &State)
            Check(ZLibNative.InflateReset2(stream, _windowBits), "inflateReset2");
    }

    protected override void End(ZStream* stream) => _ = ZLibNative.InflateEnd(stream);
}
