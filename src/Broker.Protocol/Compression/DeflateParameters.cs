namespace Broker.Protocol.Compression;

/// <summary>The permessage-deflate parameters both sides agreed on (RFC 7692 §7.1).</summary>
/// <param name="ServerNoContextTakeover">The server resets its compressor after every message.</param>
/// <param name="ClientNoContextTakeover">The client resets its compressor after every message, so the server may reset its decompressor.</param>
/// <param name="ServerMaxWindowBits">LZ77 window the server compresses with (9–15).</param>
/// <param name="ClientMaxWindowBits">LZ77 window the client compresses with (8–15); the server's decompressor accepts it.</param>
public sealed record DeflateParameters(bool ServerNoContextTakeover, bool ClientNoContextTakeover, int ServerMaxWindowBits, int ClientMaxWindowBits);
