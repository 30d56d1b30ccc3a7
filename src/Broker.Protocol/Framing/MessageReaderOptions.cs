using Broker.Protocol.Compression;

namespace Broker.Protocol.Framing;

/// <summary>What a <see cref="MessageReader"/> accepts from its peer.</summary>
/// <param name="MaxMessageBytes">Largest message, after reassembly and decompression; larger fails with 1009.</param>
/// <param name="Deflate">The negotiated permessage-deflate parameters, or null when it was not negotiated (RSV1 then fails with 1002).</param>
/// <param name="RequireMaskedFrames">True on the server side: RFC 6455 §5.1 requires every client frame to be masked.
/// False on the client side, where §5.1 forbids masked server frames: either way a frame with the wrong mask bit fails with 1002.</param>
/// <param name="MaxMessageDuration">Longest time from a data message's first complete frame header to its last byte; a
/// message still unfinished after it fails with 1008 at the next bytes that arrive (a control frame counts), so a peer
/// cannot pin a reassembly buffer by dribbling fragments. Null: no cap.</param>
/// <param name="MaxEmptyFragments">Most empty non-final frames one data message may have; more fail with 1008 (they cost
/// a frame each and move the message no closer to its end).</param>
/// <param name="Clock">The time source for <paramref name="MaxMessageDuration"/>; null is the system clock.</param>
public sealed record MessageReaderOptions(
    long MaxMessageBytes,
    DeflateParameters? Deflate = null,
    bool RequireMaskedFrames = true,
    TimeSpan? MaxMessageDuration = null,
    int MaxEmptyFragments = int.MaxValue,
    TimeProvider? Clock = null);
