namespace Broker.Protocol.Compression;

/// <summary>
/// One offer from a Sec-WebSocket-Extensions header (RFC 6455 §9.1): an extension name and its parameters.
/// <code>
/// extension-list = 1#extension
/// extension      = token *( ";" param )
/// param          = token [ "=" ( token | quoted-string ) ]
/// </code>
/// Names compare case-insensitively; a parameter without "=" has a null value; quoted values are unquoted.
/// </summary>
internal sealed record ExtensionOffer(string Name, IReadOnlyList<KeyValuePair<string, string?>> Parameters)
{
    /// <summary>Splits header values into offers in order; a malformed offer comes back as null so it can be declined.</summary>
    public static IEnumerable<ExtensionOffer?> Parse(IEnumerable<string> headerValues)
    {
        foreach (var value in headerValues)
        {
            foreach (var offer in SplitOutsideQuotes(value, ','))
            {
                if (!string.IsNullOrWhiteSpace(offer))
                    yield return ParseOffer(offer);
            }
        }
    }

    private static ExtensionOffer? ParseOffer(string text)
    {
        var parts = SplitOutsideQuotes(text, ';');
        var name = parts[0].Trim();
        if (!IsToken(name))
            return null;
        var parameters = new List<KeyValuePair<string, string?>>(parts.Count - 1);
        for (var i = 1; i < parts.Count; i++)
        {
            var part = parts[i];
            var equals = part.IndexOf('=');
            var paramName = (equals < 0 ? part : part[..equals]).Trim();
            if (!IsToken(paramName))
                return null;
            string? paramValue = null;
            if (equals >= 0)
            {
                paramValue = Unquote(part[(equals + 1)..].Trim());
                if (paramValue is null)
                    return null;
            }
            parameters.Add(new(paramName, paramValue));
        }
        return new ExtensionOffer(name, parameters);
    }

    // A quoted-string becomes its content; escapes are not needed by any parameter we accept, so they make it invalid.
    private static string? Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            var inner = value[1..^1];
            return IsToken(inner) ? inner : null;
        }
        return IsToken(value) ? value : null;
    }

    private static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"')
                quoted = !quoted;
            else if (text[i] == separator && !quoted)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }
        parts.Add(text[start..]);
        return parts;
    }

    // RFC 7230 §3.2.6 tchar.
    private static bool IsToken(string text)
    {
        if (text.Length == 0)
            return false;
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c)))
                return false;
        }
        return true;
    }
}
