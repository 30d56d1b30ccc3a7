using System.Buffers;
using System.Text.Json;
using Broker.Protocol.Client;

namespace Broker.Server.Api;

/// <summary>
/// The body of <c>POST /api/publish</c>: one JSON object <c>{"topic": "...", "data": any JSON value}</c> (docs/http-api.md).
/// Unknown keys are ignored; <c>topic</c> or <c>data</c> given twice is <c>bad_request</c>, as on the WebSocket.
/// <c>data</c> is never parsed into objects: its exact byte range in the body is returned.
/// </summary>
internal readonly record struct PublishRequest(string? Topic, ReadOnlySequence<byte> Data, ClientError Error, string? Message)
{
    private static readonly JsonReaderOptions Options = new() { MaxDepth = 64 };

    public bool IsValid => Error == ClientError.None;

    public static PublishRequest Parse(ReadOnlySequence<byte> body)
    {
        string? topic = null;
        ReadOnlySequence<byte> data = default;
        bool sawTopic = false, sawData = false, topicIsString = false;
        try
        {
            var reader = new Utf8JsonReader(body, Options);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return Fail(ClientError.BadJson, "the body is not a JSON object");
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isTopic = reader.ValueTextEquals("topic"u8);
                var isData = !isTopic && reader.ValueTextEquals("data"u8);
                reader.Read();
                var start = reader.TokenStartIndex;
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                    reader.Skip();
                if (isTopic)
                {
                    if (sawTopic)
                        return Fail(ClientError.BadRequest, "'topic' is given more than once");
                    sawTopic = true;
                    topicIsString = reader.TokenType == JsonTokenType.String;
                    topic = topicIsString ? reader.GetString() : null;
                }
                else if (isData)
                {
                    if (sawData)
                        return Fail(ClientError.BadRequest, "'data' is given more than once");
                    sawData = true;
                    data = body.Slice(start, reader.BytesConsumed - start);
                }
            }
            if (reader.Read())
                return Fail(ClientError.BadJson, "the body holds more than one JSON value");
        }
        catch (JsonException)
        {
            return Fail(ClientError.BadJson, "the body is not valid JSON");
        }
        if (!sawTopic)
            return Fail(ClientError.BadRequest, "'topic' is missing");
        if (!topicIsString)
            return Fail(ClientError.BadRequest, "'topic' must be a string");
        if (!sawData)
            return Fail(ClientError.BadRequest, "'data' is missing");
        return TopicName.Validate(topic, allowWildcards: false) is { } reason
            ? Fail(ClientError.BadTopic, reason)
            : new PublishRequest(topic, data, ClientError.None, null);
    }

    private static PublishRequest Fail(ClientError error, string message) => new(null, default, error, message);
}
