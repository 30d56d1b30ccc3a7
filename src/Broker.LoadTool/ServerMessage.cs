using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;

namespace Broker.LoadTool;

/// <summary>
/// Reads server messages. Deliveries (<c>{"type":"message","topic":…,"offset":…,"data":{"t":…}}</c>, the hot path) are
/// matched against the exact layout ServerMessageWriter produces, so a subscriber spends as little of the shared CPU as
/// possible; anything else goes through <see cref="Utf8JsonReader"/>.
/// </summary>
internal readonly struct ServerMessage
{
    private static ReadOnlySpan<byte> DeliveryStart => "{\"type\":\"message\",\"topic\":\""u8;
    private static ReadOnlySpan<byte> OffsetField => "\",\"offset\":"u8;
    private static ReadOnlySpan<byte> StampField => ",\"data\":{\"t\":"u8;

    public ServerMessageType Type { get; init; }

    /// <summary>The delivery's or the publish ack's offset; 0 when absent.</summary>
    public long Offset { get; init; }

    /// <summary>The publisher's Stopwatch timestamp embedded in a delivery's data; 0 when absent.</summary>
    public long Stamp { get; init; }

    /// <summary>The numeric id an ack or error echoes; -1 when absent or not a number.</summary>
    public long Id { get; init; }

    /// <summary>An error's code; null otherwise.</summary>
    public string? ErrorCode { get; init; }

    public static ServerMessage Parse(in ReadOnlySequence<byte> payload)
    {
        if (payload.IsSingleSegment && TryParseDelivery(payload.FirstSpan, out var delivery))
            return delivery;
        return ParseGeneral(payload);
    }

    private static bool TryParseDelivery(ReadOnlySpan<byte> json, out ServerMessage message)
    {
        message = default;
        if (!json.StartsWith(DeliveryStart))
            return false;
        var rest = json[DeliveryStart.Length..];
        var topicEnd = rest.IndexOf(OffsetField);
        if (topicEnd < 0)
            return false;
        rest = rest[(topicEnd + OffsetField.Length)..];
        if (!Utf8Parser.TryParse(rest, out long offset, out var digits))
            return false;
        rest = rest[digits..];
        long stamp = 0;
        if (rest.StartsWith(StampField) && Utf8Parser.TryParse(rest[StampField.Length..], out long parsed, out _))
            stamp = parsed;
        message = new ServerMessage { Type = ServerMessageType.Message, Offset = offset, Stamp = stamp, Id = -1 };
        return true;
    }

    private static ServerMessage ParseGeneral(in ReadOnlySequence<byte> payload)
    {
        var type = ServerMessageType.Other;
        long offset = 0, id = -1;
        string? code = null;
        var reader = new Utf8JsonReader(payload);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                return new ServerMessage { Id = -1 };
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8))
                {
                    reader.Read();
                    type = reader.ValueTextEquals("message"u8) ? ServerMessageType.Message
                        : reader.ValueTextEquals("ack"u8) ? ServerMessageType.Ack
                        : reader.ValueTextEquals("error"u8) ? ServerMessageType.Error
                        : ServerMessageType.Other;
                }
                else if (reader.ValueTextEquals("offset"u8))
                {
                    reader.Read();
                    reader.TryGetInt64(out offset);
                }
                else if (reader.ValueTextEquals("id"u8))
                {
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out id))
                        id = -1;
                }
                else if (reader.ValueTextEquals("code"u8))
                {
                    reader.Read();
                    code = reader.GetString();
                }
                else
                {
                    reader.Read();
                    reader.TrySkip();
                }
            }
        }
        catch (JsonException)
        {
            type = ServerMessageType.Other;
        }
        return new ServerMessage { Type = type, Offset = offset, Id = id, ErrorCode = code };
    }
}
