namespace Broker.Protocol.Compression;

/// <summary>The server's permessage-deflate policy, from configuration.</summary>
/// <param name="Enabled">False: every offer is declined and messages go uncompressed.</param>
/// <param name="ServerMaxWindowBits">Largest window the server compresses with (9–15); lower saves memory per connection.</param>
/// <param name="ServerNoContextTakeover">Always reset the server's compressor per message, trading ratio for memory.</param>
/// <param name="CompressionThresholdBytes">Smaller messages are sent uncompressed.</param>
public sealed record DeflateSettings(bool Enabled, int ServerMaxWindowBits = 15, bool ServerNoContextTakeover = false, int CompressionThresholdBytes = 64);
