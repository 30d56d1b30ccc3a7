using System.Buffers;
using System.Text;
using Broker.Protocol.Handshake;

namespace Broker.Server.WebSockets;

/// <summary>
/// Reads an HTTP/1.1 request head (request line and header fields, RFC 9112 §2–5) far enough to decide whether it is a
/// WebSocket opening handshake the connection middleware may take over. Anything unusual (a body, folded or oversized
/// headers, a malformed line) is "not ours": the bytes stay in the pipe and Kestrel's HTTP/1.1 server answers it.
/// </summary>
internal static class UpgradeRequestHead
{
    /// <summary>Longest head the middleware looks at; a larger one goes to HTTP (which applies its own limits).</summary>
    public const int MaxLength = 8192;

    public enum Outcome
    {
        NeedMore,
        NotOurs,
        Parsed,
    }

    private static ReadOnlySpan<byte> EndOfHead => "\r\n\r\n"u8;

    /// <summary>A parsed head: the handshake fields, the target split into path and query, and every header field.</summary>
    public sealed record Head(HandshakeRequest Request, string Path, string Query, List<KeyValuePair<string, string>> Fields);

    public static Outcome TryParse(in ReadOnlySequence<byte> buffer, out Head head, out SequencePosition end)
    {
        head = null!;
        end = buffer.Start;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, EndOfHead, advancePastDelimiter: true))
            return buffer.Length > MaxLength ? Outcome.NotOurs : Outcome.NeedMore;
        if (bytes.Length > MaxLength)
            return Outcome.NotOurs;
        end = reader.Position;
        return Parse(Encoding.Latin1.GetString(bytes), out head) ? Outcome.Parsed : Outcome.NotOurs;
    }

    private static bool Parse(string text, out Head head)
    {
        head = null!;
        var lines = text.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || parts[1].Length == 0 || parts[1][0] != '/')
            return false;
        var query = parts[1].IndexOf('?');
        var path = query < 0 ? parts[1] : parts[1][..query];
        var fields = new List<KeyValuePair<string, string>>(lines.Length - 1);
        string? upgrade = null, connection = null, key = null, version = null, origin = null, protocols = null, extensions = null;
        for (var i = 1; i < lines.Length; i++)
        {
            var line = lines[i];
            var colon = line.IndexOf(':');
            // obs-fold (a line starting with whitespace) and lines without a name are for HTTP to reject.
            if (colon <= 0 || line[0] is ' ' or '\t' || line[colon - 1] is ' ' or '\t')
                return false;
            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(' ', '\t');
            fields.Add(new(name, value));
            switch (name.ToLowerInvariant())
            {
                case "upgrade": upgrade = Join(upgrade, value); break;
                case "connection": connection = Join(connection, value); break;
                case "sec-websocket-key": key = Join(key, value); break;
                case "sec-websocket-version": version = Join(version, value); break;
                case "origin": origin = Join(origin, value); break;
                case "sec-websocket-protocol": protocols = Join(protocols, value); break;
                case "sec-websocket-extensions": extensions = Join(extensions, value); break;
                // A request with a body is not a plain upgrade; HTTP decides what to do with it.
                case "content-length" when value != "0": return false;
                case "transfer-encoding": return false;
            }
        }
        head = new Head(new HandshakeRequest(parts[0], parts[2], upgrade, connection, key, version, origin, protocols, extensions),
            path, query < 0 ? "" : parts[1][query..], fields);
        return true;
    }

    private static string Join(string? existing, string value) => existing is null ? value : $"{existing}, {value}";
}
