using Broker.Protocol.Compression;

namespace Broker.Protocol.Handshake;

/// <summary>The server's handshake policy, from configuration.</summary>
/// <param name="AllowedOrigins">Origin values accepted (compared case-insensitively); empty accepts every origin.</param>
/// <param name="Subprotocols">Subprotocols the server speaks, in order of preference.</param>
/// <param name="Deflate">The permessage-deflate policy passed to <see cref="DeflateNegotiation.TryNegotiate"/>.</param>
public sealed record HandshakeOptions(
    IReadOnlyList<string> AllowedOrigins,
    IReadOnlyList<string> Subprotocols,
    DeflateSettings Deflate);
