using Broker.Protocol.Framing;

namespace Broker.Core.Connections;

/// <summary>
/// A server frame encoded once per node and written unchanged to every subscriber on it (server frames are unmasked,
/// so the bytes are identical for all). Immutable once built.
/// </summary>
/// <remarks>
/// Connections that negotiated permessage-deflate with server_no_context_takeover get a compressed variant built from
/// the same payload, also once per node: one per server window size (9–15 bits), built lazily by the first connection
/// that needs it and then shared. Compressing without context makes the bytes valid on every such connection.
/// </remarks>
public sealed class SharedFrame(ReadOnlyMemory<byte> frame)
{
    private const int MinWindowBits = 9;
    private const int MaxWindowBits = 15;

    // Index = window bits - 9; allocated on the first request, so uncompressed-only nodes pay nothing.
    private byte[]?[]? _deflated;

    /// <summary>The whole uncompressed frame: header and payload.</summary>
    public ReadOnlyMemory<byte> Frame { get; } = frame;

    /// <summary>The client that must not get this frame (its own join or leave); null for every other frame.</summary>
    public string? ExceptClient { get; init; }

    /// <summary>The frame's opcode.</summary>
    public OpCode OpCode => (OpCode)(Frame.Span[0] & 0x0F);

    /// <summary>The payload (the frame without its header); server frames carry no mask key (RFC 6455 §5.1).</summary>
    public ReadOnlyMemory<byte> Payload => Frame[HeaderLength(Frame.Span)..];

    /// <summary>
    /// The frame compressed without context for a server window of <paramref name="windowBits"/> (RFC 7692 §7.1.2.1),
    /// built at most once per window size and shared; the plain frame when compression does not shrink it. Data frames
    /// only; thread-safe.
    /// </summary>
    public ReadOnlyMemory<byte> Deflated(int windowBits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(windowBits, MinWindowBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(windowBits, MaxWindowBits);
        var variants = Volatile.Read(ref _deflated);
        if (variants is null)
        {
            Interlocked.CompareExchange(ref _deflated, new byte[]?[MaxWindowBits - MinWindowBits + 1], null);
            variants = Volatile.Read(ref _deflated)!;
        }
        var index = windowBits - MinWindowBits;
        if (Volatile.Read(ref variants[index]) is { } built)
            return built;
        // Subscribers on other threads wait for the one compression rather than each compressing the same bytes.
        lock (variants)
        {
            if (variants[index] is { } raced)
                return raced;
            var compressed = MessageWriter.EncodeDeflatedShared(OpCode, Payload.Span, windowBits);
            Volatile.Write(ref variants[index], compressed);
            return compressed;
        }
    }

    // RFC 6455 §5.2: 7-bit length, or 126 + 16-bit, or 127 + 64-bit.
    private static int HeaderLength(ReadOnlySpan<byte> frame) => (frame[1] & 0x7F) switch
    {
        126 => 4,
        127 => 10,
        _ => 2,
    };
}
