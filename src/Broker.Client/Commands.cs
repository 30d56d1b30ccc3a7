using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Broker.Client;

/// <summary>Encodes the client → server commands of docs/protocol.md.</summary>
internal static class Commands
{
    // Topics such as chat.> stay readable: the broker accepts escaped and unescaped forms alike.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>subscribe</c>; with <paramref name="since"/> the broker replays what came after it (recovery).</summary>
    public static byte[] Subscribe(long id, string topic, TopicPosition? since) =>
        Write("subscribe", id, topic, writer => WriteSince(writer, since));

    public static byte[] Unsubscribe(long id, string topic) => Write("unsubscribe", id, topic, null);

    public static byte[] Publish(long id, string topic, ReadOnlyMemory<byte> data) => Write("publish", id, topic, writer =>
    {
        writer.WritePropertyName("data"u8);
        writer.WriteRawValue(data.Span, skipInputValidation: true); // validated when serialized or parsed by the caller
    });

    public static byte[] History(long id, string topic, int? limit, TopicPosition? since) => Write("history", id, topic, writer =>
    {
        if (limit is { } count)
            writer.WriteNumber("limit"u8, count);
        WriteSince(writer, since);
    });

    public static byte[] Presence(long id, string topic) => Write("presence", id, topic, null);

    public static byte[] PresenceStats(long id, string topic) => Write("presence_stats", id, topic, null);

    public static byte[] Refresh(long id, string token) => Write("refresh", id, null, writer => writer.WriteString("token"u8, token));

    private static void WriteSince(Utf8JsonWriter writer, TopicPosition? since)
    {
        if (since is null)
            return;
        writer.WriteStartObject("since"u8);
        writer.WriteNumber("offset"u8, since.Offset);
        writer.WriteString("epoch"u8, since.Epoch);
        writer.WriteEndObject();
    }

    private static byte[] Write(string type, long id, string? topic, Action<Utf8JsonWriter>? rest)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, type);
            writer.WriteNumber("id"u8, id);
            if (topic is not null)
                writer.WriteString("topic"u8, topic);
            rest?.Invoke(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
