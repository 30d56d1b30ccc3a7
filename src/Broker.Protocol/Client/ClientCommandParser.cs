using System.Buffers;
using System.Text.Json;

namespace Broker.Protocol.Client;

/// <summary>
/// Parses one text-frame payload into a <see cref="ClientCommand"/> (docs/protocol.md, "Client → server").
/// <list type="bullet">
/// <item>The payload must be exactly one JSON object; anything else (or trailing content) is <c>bad_json</c>.</item>
/// <item>Keys may come in any order (<c>data</c> before <c>type</c>); the command is judged after the whole object is read,
/// so an error reply carries the <c>id</c> wherever it appeared.</item>
/// <item>Unknown keys are ignored at any depth. A known key (<c>type</c>, <c>id</c>, <c>topic</c>, <c>data</c>, <c>token</c>) given twice is
/// <c>bad_request</c>: accepting either copy would let two parsers disagree about what was published.</item>
/// <item><c>data</c> is never parsed into objects: its exact byte range is returned, so nested values, whitespace and
/// escapes pass through unchanged.</item>
/// <item>Fields a command does not use (e.g. <c>data</c> on subscribe) are ignored, as unknown keys are.</item>
/// </list>
/// Thread-safe. Allocates only the topic string (none for a short name the thread parsed lately: each thread keeps a small
/// cache of them) and an error message when there is an error.
/// </summary>
public static class ClientCommandParser
{
    /// <summary>The longest token accepted by connect and refresh, in JSON characters.</summary>
    public const int MaxTokenLength = 8192;

    /// <summary>Longest <c>id</c>, as its raw JSON value (a string's quotes and escapes count); longer is bad_request.</summary>
    public const int MaxIdBytes = 128;

    // Maximum depth of data; deeper nesting is bad_json rather than a stack risk.
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    // Stands in for an oversized topic token: one character longer than the limit, so validation reports the length.
    private static readonly string TooLongTopic = new('a', TopicName.MaxLength + 1);

    /// <summary>Parses <paramref name="payload"/> (one complete, UTF-8-valid text message).</summary>
    public static ClientCommand Parse(ReadOnlySequence<byte> payload)
    {
        var fields = new Fields();
        try
        {
            var reader = new Utf8JsonReader(payload, Options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return Fail(ClientError.BadJson, "the frame is not a JSON object", fields.Id);
            ReadProperties(ref reader, payload, ref fields);
            if (reader.Read())
                return Fail(ClientError.BadJson, "the frame holds more than one JSON value", fields.Id);
        }
        catch (JsonException)
        {
            return Fail(ClientError.BadJson, "the frame is not valid JSON", fields.Id);
        }
        return fields.Duplicate is { } duplicate
            ? Fail(ClientError.BadRequest, $"'{duplicate}' is given more than once", fields.Id)
            : Validate(in fields);
    }

    /// <summary>Parses <paramref name="payload"/> held in one contiguous block.</summary>
    public static ClientCommand Parse(ReadOnlyMemory<byte> payload) => Parse(new ReadOnlySequence<byte>(payload));

    private static void ReadProperties(ref Utf8JsonReader reader, ReadOnlySequence<byte> payload, ref Fields fields)
    {
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = KeyOf(ref reader);
            reader.Read();
            var start = reader.TokenStartIndex;
            var kind = reader.TokenType;
            if (kind is JsonTokenType.StartObject or JsonTokenType.StartArray)
                reader.Skip();
            if (key == Key.Unknown)
                continue;
            if ((fields.Seen & key) != 0)
                fields.Duplicate ??= NameOf(key);
            fields.Seen |= key;
            var value = payload.Slice(start, reader.BytesConsumed - start);
            switch (key)
            {
                case Key.Type:
                    fields.TypeKind = kind;
                    if (kind == JsonTokenType.String)
                        fields.Type = TypeOf(ref reader);
                    break;
                case Key.Id:
                    // An id is echoed in every reply to the command, so a long one is refused, and not echoed.
                    if (kind is not (JsonTokenType.Number or JsonTokenType.String))
                        fields.BadId = true;
                    else if (value.Length > MaxIdBytes)
                        fields.BadId = fields.LongId = true;
                    else
                        fields.Id = value;
                    break;
                case Key.Topic:
                    fields.TopicKind = kind;
                    if (kind == JsonTokenType.String)
                        fields.Topic = ReadTopic(ref reader);
                    break;
                case Key.Data:
                    fields.Data = value;
                    break;
                case Key.Limit:
                    if (kind != JsonTokenType.Number || !reader.TryGetInt32(out var limit) || limit < 0)
                        fields.BadRecovery ??= "'limit' must be a whole number, 0 or more";
                    else
                        fields.Limit = limit;
                    break;
                case Key.Since:
                    fields.Since = kind == JsonTokenType.StartObject ? ReadSince(value) : null;
                    if (fields.Since is null)
                        fields.BadRecovery ??= SinceShape;
                    break;
                case Key.Token:
                    fields.TokenKind = kind;
                    if (kind == JsonTokenType.String)
                        fields.Token = ReadToken(ref reader);
                    break;
            }
        }
    }

    // An escape is at most 6 bytes per character, so a longer raw token cannot be a valid topic: report it as too long
    // without allocating a string as large as the frame. A short name without escapes in one segment comes from the
    // thread's TopicNameCache, so a topic used again costs no string.
    private static string ReadTopic(ref Utf8JsonReader reader)
    {
        var rawLength = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        if (rawLength > TopicName.MaxLength * 6)
            return TooLongTopic;
        var cached = reader.HasValueSequence || reader.ValueIsEscaped ? null : TopicNameCache.Get(reader.ValueSpan);
        return cached ?? reader.GetString()!;
    }

    private const string SinceShape = "'since' must be {\"offset\": a whole number >= 0, \"epoch\": a string}";

    // since = {"offset": N, "epoch": "E"}; anything else (missing, extra duplicates, wrong types) is null.
    private static StreamPosition? ReadSince(ReadOnlySequence<byte> value)
    {
        var reader = new Utf8JsonReader(value, Options);
        reader.Read();
        long? offset = null;
        string? epoch = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isOffset = reader.ValueTextEquals("offset"u8);
            var isEpoch = !isOffset && reader.ValueTextEquals("epoch"u8);
            reader.Read();
            if (isOffset && offset is null && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var o) && o >= 0)
                offset = o;
            else if (isEpoch && epoch is null && reader.TokenType == JsonTokenType.String)
                epoch = reader.GetString();
            else if (isOffset || isEpoch)
                return null;
            else
                reader.Skip();
        }
        return offset is { } at && epoch is { Length: > 0 and <= 64 } e ? new StreamPosition(at, e) : null;
    }

    // Tokens are read only for connect and refresh; a larger one is refused without building a string of its size.
    private static string? ReadToken(ref Utf8JsonReader reader)
    {
        var rawLength = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        return rawLength > MaxTokenLength ? null : reader.GetString();
    }

    // connect and refresh: a non-empty token string (docs/security.md).
    private static ClientCommand ValidateAuth(in Fields fields)
    {
        if ((fields.Seen & Key.Token) == 0)
            return Fail(ClientError.BadRequest, "'token' is missing", fields.Id, fields.Type);
        if (fields.TokenKind != JsonTokenType.String)
            return Fail(ClientError.BadRequest, "'token' must be a string", fields.Id, fields.Type);
        if (string.IsNullOrEmpty(fields.Token))
            return Fail(ClientError.BadRequest, $"'token' must be 1-{MaxTokenLength} characters", fields.Id, fields.Type);
        return new ClientCommand(fields.Type, fields.Id, null, default, ClientError.None, null) { Token = fields.Token };
    }

    private static ClientCommand Validate(in Fields fields)
    {
        if (fields.BadId)
            return Fail(ClientError.BadRequest,
                fields.LongId ? $"'id' is longer than {MaxIdBytes} bytes" : "'id' must be a number or a string", default);
        if ((fields.Seen & Key.Type) == 0)
            return Fail(ClientError.BadRequest, "'type' is missing", fields.Id);
        if (fields.TypeKind != JsonTokenType.String)
            return Fail(ClientError.BadRequest, "'type' must be a string", fields.Id);
        if (fields.Type == ClientCommandType.None)
            return Fail(ClientError.UnknownType,
                "'type' is not subscribe, unsubscribe, publish, ping, history, presence, presence_stats, connect or refresh", fields.Id);
        if (fields.Type == ClientCommandType.Ping)
            return new ClientCommand(ClientCommandType.Ping, fields.Id, null, default, ClientError.None, null);
        if (fields.Type is ClientCommandType.Connect or ClientCommandType.Refresh)
            return ValidateAuth(in fields);
        if ((fields.Seen & Key.Topic) == 0)
            return Fail(ClientError.BadRequest, "'topic' is missing", fields.Id, fields.Type);
        if (fields.TopicKind != JsonTokenType.String)
            return Fail(ClientError.BadRequest, "'topic' must be a string", fields.Id, fields.Type);
        var publish = fields.Type == ClientCommandType.Publish;
        var concrete = publish || fields.Type == ClientCommandType.History;
        if (TopicName.Validate(fields.Topic, allowWildcards: !concrete) is { } reason)
            return Fail(ClientError.BadTopic, reason, fields.Id, fields.Type);
        if (ValidatePresence(in fields) is { } presence)
            return presence;
        if (publish && (fields.Seen & Key.Data) == 0)
            return Fail(ClientError.BadRequest, "'data' is missing", fields.Id, fields.Type);
        return ValidateRecovery(in fields) ?? new ClientCommand(fields.Type, fields.Id, fields.Topic,
            publish ? fields.Data : default, ClientError.None, null, new RecoveryFields(fields.Limit, fields.Since));
    }

    // limit and since matter only to history and subscribe (ignored elsewhere, like any unused field); since names a
    // place in one topic's stream, so on a wildcard it is a bad_request.
    private static ClientCommand? ValidateRecovery(in Fields fields)
    {
        var uses = fields.Type is ClientCommandType.History or ClientCommandType.Subscribe;
        if (!uses || fields.BadRecovery is null && (fields.Since is null || !TopicName.IsPattern(fields.Topic!)))
            return null;
        return Fail(ClientError.BadRequest, fields.BadRecovery ?? "'since' needs a concrete topic, not a wildcard",
            fields.Id, fields.Type);
    }

    // presence and presence_stats ask about one room: a wildcard names many (docs/protocol.md "Presence").
    private static ClientCommand? ValidatePresence(in Fields fields) =>
        fields.Type is ClientCommandType.Presence or ClientCommandType.PresenceStats && TopicName.IsPattern(fields.Topic!)
            ? Fail(ClientError.BadRequest, "presence needs a concrete topic, not a wildcard", fields.Id, fields.Type)
            : null;

    private static ClientCommand Fail(ClientError error, string message, ReadOnlySequence<byte> id,
        ClientCommandType type = ClientCommandType.None) =>
        new(type, id, null, default, error, message);

    private static Key KeyOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("type"u8))
            return Key.Type;
        if (reader.ValueTextEquals("id"u8))
            return Key.Id;
        if (reader.ValueTextEquals("topic"u8))
            return Key.Topic;
        if (reader.ValueTextEquals("limit"u8))
            return Key.Limit;
        if (reader.ValueTextEquals("since"u8))
            return Key.Since;
        if (reader.ValueTextEquals("token"u8))
            return Key.Token;
        return reader.ValueTextEquals("data"u8) ? Key.Data : Key.Unknown;
    }

    private static ClientCommandType TypeOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("publish"u8))
            return ClientCommandType.Publish;
        if (reader.ValueTextEquals("subscribe"u8))
            return ClientCommandType.Subscribe;
        if (reader.ValueTextEquals("unsubscribe"u8))
            return ClientCommandType.Unsubscribe;
        if (reader.ValueTextEquals("history"u8))
            return ClientCommandType.History;
        if (reader.ValueTextEquals("connect"u8))
            return ClientCommandType.Connect;
        if (reader.ValueTextEquals("refresh"u8))
            return ClientCommandType.Refresh;
        if (reader.ValueTextEquals("presence"u8))
            return ClientCommandType.Presence;
        if (reader.ValueTextEquals("presence_stats"u8))
            return ClientCommandType.PresenceStats;
        return reader.ValueTextEquals("ping"u8) ? ClientCommandType.Ping : ClientCommandType.None;
    }

    private static string NameOf(Key key) => key switch
    {
        Key.Type => "type",
        Key.Id => "id",
        Key.Topic => "topic",
        Key.Limit => "limit",
        Key.Since => "since",
        Key.Token => "token",
        _ => "data",
    };

    [Flags]
    private enum Key : byte
    {
        Unknown = 0,
        Type = 1,
        Id = 2,
        Topic = 4,
        Data = 8,
        Token = 16,
        Limit = 32,
        Since = 64,
    }

    // What the object held, gathered in one pass and judged at the end (keys come in any order).
    private struct Fields
    {
        public Key Seen;
        public string? Duplicate;
        public JsonTokenType TypeKind;
        public ClientCommandType Type;
        public ReadOnlySequence<byte> Id;
        public bool BadId;
        public bool LongId;
        public JsonTokenType TopicKind;
        public string? Topic;
        public ReadOnlySequence<byte> Data;
        public int? Limit;
        public StreamPosition? Since;
        public string? BadRecovery;
        public JsonTokenType TokenKind;
        public string? Token;
    }
}
