using System.Text;
using Broker.Protocol.Compression;
using Broker.Protocol.Handshake;

namespace Broker.Fuzz.Targets;

/// <summary>
/// <see cref="HandshakeValidator"/> (and through it permessage-deflate negotiation). The input is the request's fields
/// separated by newlines (method, version, Upgrade, Connection, Key, Version, Origin, Protocol, Extensions; a field that
/// is a lone NUL byte is an absent header), read as Latin-1 as Kestrel hands header bytes over. Invariants: no
/// exception; a rejection is 400, 403, 405 or 426; an acceptance carries the right Sec-WebSocket-Accept, a subprotocol
/// the client offered and deflate parameters within RFC 7692's ranges.
/// </summary>
internal sealed class HandshakeTarget : IFuzzTarget
{
    private static readonly HandshakeOptions Open = new([], ["broker.v1", "chat"], new DeflateSettings(true, 15, true));
    private static readonly HandshakeOptions Strict = new(["https://app.example"], ["broker.v1"], new DeflateSettings(true, 10, false));

    public string Name => "handshake";

    public IReadOnlyList<byte[]> Seeds { get; } =
    [
        Request("GET", "HTTP/1.1", "websocket", "Upgrade", "dGhlIHNhbXBsZSBub25jZQ==", "13", "https://app.example",
            "broker.v1", "permessage-deflate; client_max_window_bits"),
        Request("GET", "HTTP/1.1", "WebSocket", "keep-alive, Upgrade", "AQIDBAUGBwgJCgsMDQ4PEA==", "13", "\0", "chat, broker.v1",
            "permessage-deflate; server_max_window_bits=10; client_no_context_takeover, permessage-deflate"),
        Request("POST", "HTTP/1.0", "h2c", "close", "short", "8", "null", "\0", "x-webkit-deflate-frame"),
    ];

    public void Run(ReadOnlySpan<byte> input)
    {
        var fields = Encoding.Latin1.GetString(input).Split('\n');
        string? Field(int i) => i >= fields.Length || fields[i] == "\0" ? null : fields[i];
        var request = new HandshakeRequest(Field(0) ?? "", Field(1) ?? "", Field(2), Field(3), Field(4), Field(5), Field(6),
            Field(7), Field(8));
        var options = (input.Length & 1) == 0 ? Open : Strict;
        var result = HandshakeValidator.Validate(request, options);
        if (!result.IsAccepted)
        {
            if (result.StatusCode is not (400 or 403 or 405 or 426))
                throw new FuzzInvariantException($"rejected with {result.StatusCode}");
            return;
        }
        var accept = result.Headers.Single(h => h.Key == "Sec-WebSocket-Accept").Value;
        if (accept != AcceptKey.Compute(request.Key!.Trim()))
            throw new FuzzInvariantException("wrong Sec-WebSocket-Accept");
        if (result.Subprotocol is { } chosen && !options.Subprotocols.Contains(chosen))
            throw new FuzzInvariantException($"chose subprotocol {chosen} the server does not speak");
        if (result.Deflate is { } d && (d.ServerMaxWindowBits is < 9 or > 15 || d.ClientMaxWindowBits is < 8 or > 15
                                        || d.ServerMaxWindowBits > options.Deflate.ServerMaxWindowBits))
            throw new FuzzInvariantException($"deflate parameters out of range: {d}");
    }

    private static byte[] Request(params string[] fields) => Encoding.Latin1.GetBytes(string.Join('\n', fields));
}
