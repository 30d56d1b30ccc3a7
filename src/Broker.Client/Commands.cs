using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Broker.Client;

/// <summary>Encodes the client → server commands of docs/protocol.md.</summary>
internal static class Commands
{
    // Topics such as chat.> stay readable: the broker accepts escaped and unescaped forms alike.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Subscribe(long id, string topic) => Write("subscribe", id, topic, default);

    public static byte[] Unsubscribe(long id, string topic) => Write("unsubscribe", id, topic, default);

    public static byte[] Publish(long id, string topic, ReadOnlyMemory<byte> data) => Write("publish", id, topic, data);

    private static byte[] Write(string type, long id, string topic, ReadOnlyMemory<byte> data)
    {
        var buffer = new ArrayBufferWriter<byte>(64 + topic.Length + data.Length);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, type);
            writer.WriteNumber("id"u8, id);
            writer.WriteString("topic"u8, topic);
            if (!data.IsEmpty)
            {
                writer.WritePropertyName("data"u8);
                writer.WriteRawValue(data.Span, skipInputValidation: true); // validated when serialized or parsed by the caller
            }
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }
}
