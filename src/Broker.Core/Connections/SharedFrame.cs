namespace Broker.Core.Connections;

/// <summary>
/// A server frame encoded once per node and written unchanged to every subscriber on it (server frames are unmasked,
/// so the bytes are identical for all). Immutable once built.
/// </summary>
public sealed class SharedFrame(ReadOnlyMemory<byte> frame)
{
    /// <summary>The whole uncompressed frame: header and payload.</summary>
    public ReadOnlyMemory<byte> Frame { get; } = frame;
}
