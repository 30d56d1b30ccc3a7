using System.Text;

namespace Broker.Protocol.Compression;

/// <summary>Negotiates permessage-deflate from a client's Sec-WebSocket-Extensions offers (RFC 7692 §5, §7.1).</summary>
/// <remarks>
/// Offers are tried in the client's order of preference; one with an unknown or repeated parameter, or a bad value, is
/// declined and the next is tried (RFC 7692 §5.1). <c>server_max_window_bits</c> below 9 declines the offer: the
/// runtime's zlib cannot produce raw deflate with a 256-byte window. The server compresses with the smaller of the
/// offered and the configured window, and names its window in the response even when the client did not ask (a
/// client can always decode a smaller window). <c>client_max_window_bits</c> is echoed with its value only when the
/// client offered one; the reader decodes any window up to 15 bits.
/// </remarks>
public static class DeflateNegotiation
{
    /// <summary>The extension token, RFC 7692 §7.</summary>
    public const string ExtensionName = "permessage-deflate";

    private const int MinWindowBits = 9;
    private const int MaxWindowBits = 15;

    /// <summary>
    /// Accepts the first permessage-deflate offer the server can honour. Returns false (no extension) when compression is
    /// disabled or no offer is acceptable; <paramref name="responseHeader"/> is then null.
    /// </summary>
    public static bool TryNegotiate(IEnumerable<string> extensionHeaderValues, DeflateSettings settings,
        out DeflateParameters? parameters, out string? responseHeader)
    {
        ArgumentNullException.ThrowIfNull(extensionHeaderValues);
        ArgumentNullException.ThrowIfNull(settings);
        parameters = null;
        responseHeader = null;
        if (!settings.Enabled)
            return false;

        foreach (var offer in ExtensionOffer.Parse(extensionHeaderValues))
        {
            if (offer is null || !offer.Name.Equals(ExtensionName, StringComparison.OrdinalIgnoreCase))
                continue;
            if (TryAccept(offer, settings, out parameters, out responseHeader))
                return true;
        }
        return false;
    }

    private static bool TryAccept(ExtensionOffer offer, DeflateSettings settings, out DeflateParameters? parameters,
        out string? responseHeader)
    {
        parameters = null;
        responseHeader = null;
        bool serverNoContext = false, clientNoContext = false, serverBitsSeen = false, clientBitsSeen = false;
        int? serverBits = null, clientBits = null;

        foreach (var (name, value) in offer.Parameters)
        {
            switch (name.ToLowerInvariant())
            {
                case "server_no_context_takeover" when value is null && !serverNoContext:
                    serverNoContext = true;
                    break;
                case "client_no_context_takeover" when value is null && !clientNoContext:
                    clientNoContext = true;
                    break;
                case "server_max_window_bits" when !serverBitsSeen && TryParseBits(value, out var bits) && bits >= MinWindowBits:
                    serverBitsSeen = true;
                    serverBits = bits;
                    break;
                case "client_max_window_bits" when !clientBitsSeen && (value is null || TryParseBits(value, out _)):
                    clientBitsSeen = true;
                    clientBits = value is null ? null : int.Parse(value);
                    break;
                default:
                    return false; // unknown, repeated, or a bad value: decline this offer (RFC 7692 §7.1)
            }
        }

        var serverWindow = Math.Min(serverBits ?? MaxWindowBits, Math.Clamp(settings.ServerMaxWindowBits, MinWindowBits, MaxWindowBits));
        var serverResets = serverNoContext || settings.ServerNoContextTakeover;
        parameters = new DeflateParameters(serverResets, clientNoContext, serverWindow, clientBits ?? MaxWindowBits);

        var response = new StringBuilder(ExtensionName);
        if (serverResets)
            response.Append("; server_no_context_takeover");
        if (clientNoContext)
            response.Append("; client_no_context_takeover");
        if (serverWindow < MaxWindowBits || serverBits is not null)
            response.Append("; server_max_window_bits=").Append(serverWindow);
        if (clientBits is not null)
            response.Append("; client_max_window_bits=").Append(clientBits.Value);
        responseHeader = response.ToString();
        return true;
    }

    // RFC 7692 §7.1.2: a decimal integer from 8 to 15 without leading zeroes.
    private static bool TryParseBits(string? value, out int bits)
    {
        bits = 0;
        if (value is null || value.Length is < 1 or > 2 || value[0] == '0' || !value.All(char.IsAsciiDigit))
            return false;
        bits = int.Parse(value);
        return bits is >= 8 and <= MaxWindowBits;
    }
}
