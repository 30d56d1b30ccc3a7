namespace Broker.Protocol.Compression;

/// <summary>
/// One native zlib stream (a compressor or a decompressor) and its release: on Dispose, or from the finalizer when the
/// owner is dropped without it (per-thread compressors are never disposed; a reader may be dropped with its connection).
/// Not thread-safe.
/// </summary>
internal abstract unsafe class ZLibHandle : IDisposable
{
    private bool _disposed;

    /// <summary>The stream's cursors; the runtime's zlib wrapper keeps the real state behind it.</summary>
    protected ZStream State;

    ~ZLibHandle() => Release();

    public void Dispose()
    {
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>deflateEnd or inflateEnd; their error code is ignored, as zlib frees the stream either way.</summary>
    protected abstract void End(ZStream* stream);

    protected void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    /// <summary>Throws for a zlib call that did not return Z_OK (only setup calls: a bad stream is reported, not thrown).</summary>
    protected static void Check(int result, string call)
    {
        if (result != ZLibNative.Ok)
            throw new InvalidOperationException($"{call} failed with zlib code {result}");
    }

    private void Release()
    {
        if (_disposed)
            return;
        _disposed = true;
        fixed (ZStream* stream = &State)
            End(stream);
    }
}
