using System.Buffers;
using Broker.Protocol.Compression;

namespace Broker.Protocol.Framing;

/// <summary>The outbound half of a connection's codec: unmasked server frames, compressed when permessage-deflate was negotiated.</summary>
public sealed class MessageWriter : IDisposable
{
    /// <summary>Creates a writer; <paramref name="deflate"/> is null when compression was not negotiated.</summary>
    public MessageWriter(DeflateParameters? deflate, int compressionThresholdBytes) => throw new NotImplementedException();

    /// <summary>Writes one complete message as a single frame (FIN set), compressing data messages at or above the threshold.</summary>
    public void Write(IBufferWriter<byte> output, OpCode opCode, ReadOnlySpan<byte> payload) => throw new NotImplementedException();

    /// <summary>Returns the compressor's native state.</summary>
    public void Dispose() => throw new NotImplementedException();
}
