using System.Buffers;

namespace Broker.Core.Connections;

/// <summary>
/// One complete frame waiting in the outbound queue: either shared bytes (never returned) or a per-connection
/// frame in a pooled array that the write pump returns once it has copied it to the socket.
/// </summary>
internal readonly struct OutboundFrame(ReadOnlyMemory<byte> bytes, byte[]? pooled, bool isClose = false)
{
    public ReadOnlyMemory<byte> Bytes { get; } = bytes;

    public bool IsClose { get; } = isClose;

    public void Release()
    {
        if (pooled is not null)
            ArrayPool<byte>.Shared.Return(pooled);
    }
}
