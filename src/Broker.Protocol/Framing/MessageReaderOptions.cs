using Broker.Protocol.Compression;

namespace Broker.Protocol.Framing;

/// <summary>What a <see cref="MessageReader"/> accepts from its peer.</summary>
/// <param name="MaxMessageBytes">Largest message, after reassembly and decompression; larger fails with 1009.</param>
/// <param name="Deflate">The negotiated permessage-deflate parameters, or null when it was not negotiated (RSV1 then fails with 1002).</param>
/// <param name="RequireMaskedFrames">True on the server side: RFC 6455 §5.1 requires every client frame to be masked.
/// False on the client side, where §5.1 forbids masked server frames: either way a frame with the wrong mask bit fails with 1002.</param>
public sealed record MessageReaderOptions(long MaxMessageBytes, DeflateParameters? Deflate = null, bool RequireMaskedFrames = true);
