using System.Buffers;
using Broker.Protocol.Compression;

namespace Broker.Protocol.Framing;

/// <summary>The outbound half of a connection's codec: unmasked server frames, compressed when permessage-deflate was negotiated.</summary>
/// <remarks>
/// With server context takeover the writer owns a compressor (created on the first compressed message, about 256 KiB of
/// native memory at 15 window bits). Without it, every message is compressed on its own with a per-thread compressor,
/// so the writer holds no native state at all. Compressed frames that are encoded once and shared by many connections
/// (<see cref="EncodeDeflatedShared"/>) are independent of any context; a connection may mix them with its own messages
/// only when it negotiated server_no_context_takeover, since otherwise its own compressor would refer back to bytes the
/// peer's window does not hold in that position.
/// </remarks>
public sealed class MessageWriter : IDisposable
{
    // Per-thread compressors for context-free messages, one per window size (index = window bits).
    [ThreadStatic]
    private static Deflater?[]? t_contextFree;

    private readonly DeflateParameters? _deflate;
    private readonly int _compressionThresholdBytes;
    private Deflater? _deflater;

    /// <summary>Creates a writer; <paramref name="deflate"/> is null when compression was not negotiated.</summary>
    public MessageWriter(DeflateParameters? deflate, int compressionThresholdBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(compressionThresholdBytes);
        _deflate = deflate;
        _compressionThresholdBytes = compressionThresholdBytes;
    }

    /// <summary>Writes one complete message as a single frame (FIN set), compressing data messages at or above the threshold.</summary>
    public void Write(IBufferWriter<byte> output, OpCode opCode, ReadOnlySpan<byte> payload)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (_deflate is null || opCode is not (OpCode.Text or OpCode.Binary) || payload.Length < _compressionThresholdBytes)
        {
            FrameWriter.Write(output, opCode, payload);
            return;
        }

        var contextFree = _deflate.ServerNoContextTakeover;
        var deflater = contextFree ? ContextFreeDeflater(_deflate.ServerMaxWindowBits)
            : _deflater ??= new Deflater(_deflate.ServerMaxWindowBits);
        byte[]? body = null;
        try
        {
            var length = deflater.Compress(payload, forgetContext: contextFree, ref body);
            // Falling back to plain bytes is only safe when the peer's window does not depend on this message.
            if (contextFree && length >= payload.Length)
                FrameWriter.Write(output, opCode, payload);
            else
                FrameWriter.Write(output, opCode, body.AsSpan(0, length), rsv1: true);
        }
        finally
        {
            if (body is not null)
                ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary>
    /// Encodes a whole frame compressed without context (RFC 7692 §7.1.1.1 semantics), for a message written unchanged
    /// to many connections. Any peer that negotiated permessage-deflate with a server window of at least
    /// <paramref name="windowBits"/> can decode it. When compression does not shrink the payload the frame is sent
    /// uncompressed (RSV1 clear), which every peer reads.
    /// </summary>
    /// <param name="opCode">Text or Binary.</param>
    /// <param name="payload">The message.</param>
    /// <param name="windowBits">LZ77 window to compress with, 9–15: the smallest server_max_window_bits among the
    /// connections that will receive the frame.</param>
    public static byte[] EncodeDeflatedShared(OpCode opCode, ReadOnlySpan<byte> payload, int windowBits)
    {
        if (opCode is not (OpCode.Text or OpCode.Binary))
            throw new ArgumentOutOfRangeException(nameof(opCode), opCode, "only data messages are compressed");
        byte[]? body = null;
        try
        {
            var length = ContextFreeDeflater(windowBits).Compress(payload, forgetContext: true, ref body);
            return length >= payload.Length
                ? FrameWriter.Encode(opCode, payload)
                : FrameWriter.Encode(opCode, body.AsSpan(0, length), rsv1: true);
        }
        finally
        {
            if (body is not null)
                ArrayPool<byte>.Shared.Return(body);
        }
    }

    /// <summary>Returns the compressor's native state.</summary>
    public void Dispose()
    {
        _deflater?.Dispose();
        _deflater = null;
    }

    private static Deflater ContextFreeDeflater(int windowBits)
    {
        if (windowBits is < 9 or > 15)
            throw new ArgumentOutOfRangeException(nameof(windowBits), windowBits, "raw deflate supports 9-15 window bits");
        var deflaters = t_contextFree ??= new Deflater?[16];
        return deflaters[windowBits] ??= new Deflater(windowBits);
    }
}
