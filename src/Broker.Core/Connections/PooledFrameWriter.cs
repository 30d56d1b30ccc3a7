using System.Buffers;

namespace Broker.Core.Connections;

/// <summary>
/// An <see cref="IBufferWriter{T}"/> over arrays rented from the shared pool. <see cref="Detach"/> hands the array to
/// the outbound queue, so an idle connection holds no buffer and encoding a frame allocates nothing.
/// </summary>
internal sealed class PooledFrameWriter : IBufferWriter<byte>
{
    private const int MinimumSize = 256;
    private byte[]? _buffer;
    private int _written;

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0) => Ensure(sizeHint).AsMemory(_written);

    public Span<byte> GetSpan(int sizeHint = 0) => Ensure(sizeHint).AsSpan(_written);

    /// <summary>Takes the written frame out; the caller owns the array and returns it to the pool.</summary>
    public OutboundFrame Detach(bool isClose = false)
    {
        var buffer = _buffer ?? [];
        var frame = new OutboundFrame(buffer.AsMemory(0, _written), _buffer, isClose);
        _buffer = null;
        _written = 0;
        return frame;
    }

    private byte[] Ensure(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (_buffer is not null && _buffer.Length >= needed)
            return _buffer;
        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(MinimumSize, (_buffer?.Length ?? 0) * 2)));
        if (_buffer is not null)
        {
            _buffer.AsSpan(0, _written).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = larger;
        return larger;
    }
}
