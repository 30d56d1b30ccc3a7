using System.Buffers;
using System.Text.Json;
using Broker.Protocol.Framing;

namespace Broker.Protocol.Client;

// Recovery and history messages (docs/protocol.md, "History and recovery"):
//   {"type":"ack","id":1,"topic":"chat.lobby","epoch":"k3j9x2qa","offset":41,"recovered":true}
//   {"type":"reset","topic":"chat.lobby","epoch":"p0q8m1zz"}
//   {"type":"history","id":2,"topic":"chat.lobby","epoch":"k3j9x2qa","offset":41,"messages":[{"offset":40,"data":…}]}
// Rare next to messages, so they go through Utf8JsonWriter; ids and data are raw JSON copied unchanged.
public static partial class ServerMessageWriter
{
    /// <summary>
    /// Writes the ack of a subscribe to a concrete topic: the topic's <paramref name="epoch"/> and latest
    /// <paramref name="offset"/>, and <c>recovered</c> when the subscribe asked to recover (null: it did not). The
    /// <c>id</c> is omitted when <paramref name="id"/> is empty (a subscribe without id is not acked).
    /// </summary>
    public static void WriteSubscribeAck(IBufferWriter<byte> output, ReadOnlySpan<byte> id, string topic, string epoch,
        long offset, bool? recovered)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        WritePositionHead(writer, "ack"u8, id, topic, epoch, offset);
        if (recovered is { } value)
            writer.WriteBoolean("recovered"u8, value);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Writes the answer to a <c>history</c> command: the topic's <paramref name="epoch"/> and latest
    /// <paramref name="offset"/>, and <paramref name="messages"/> (offset and raw JSON data each) in the order given.
    /// </summary>
    public static void WriteHistory(IBufferWriter<byte> output, ReadOnlySpan<byte> id, string topic, string epoch,
        long offset, IEnumerable<(long Offset, ReadOnlyMemory<byte> Data)> messages)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        WritePositionHead(writer, "history"u8, id, topic, epoch, offset);
        writer.WriteStartArray("messages"u8);
        foreach (var (messageOffset, data) in messages)
        {
            writer.WriteStartObject();
            writer.WriteNumber("offset"u8, messageOffset);
            writer.WritePropertyName("data"u8);
            writer.WriteRawValue(data.Span, skipInputValidation: true);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>
    /// Builds the complete unmasked text frame <c>{"type":"reset","topic":…,"epoch":…}</c>, shared by every subscriber
    /// of the topic on the node. Topics and epochs are plain ASCII that JSON never escapes.
    /// </summary>
    public static byte[] EncodeResetFrame(string topic, string epoch)
    {
        var json = System.Text.Encoding.ASCII.GetBytes($"{{\"type\":\"reset\",\"topic\":\"{topic}\",\"epoch\":\"{epoch}\"}}");
        Span<byte> header = stackalloc byte[FrameWriter.MaxHeaderLength];
        var headerLength = FrameWriter.WriteHeader(header, OpCode.Text, json.Length);
        var frame = new byte[headerLength + json.Length];
        header[..headerLength].CopyTo(frame);
        json.CopyTo(frame.AsSpan(headerLength));
        return frame;
    }

    /// <summary>
    /// Reads the topic and offset back out of a frame built by <see cref="EncodeMessageFrame"/> (a payload starting
    /// with <c>{"type":"message","topic":"</c>); false for any other frame, such as a reset.
    /// </summary>
    public static bool TryReadMessageOffset(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> topic, out long offset)
    {
        topic = default;
        offset = 0;
        if (!payload.StartsWith(MessageStart))
            return false;
        var rest = payload[MessageStart.Length..];
        var quote = rest.IndexOf((byte)'"');
        if (quote < 0)
            return false;
        topic = rest[..quote];
        rest = rest[(quote + 1)..];
        if (!rest.StartsWith(OffsetField))
            return false;
        return System.Buffers.Text.Utf8Parser.TryParse(rest[OffsetField.Length..], out offset, out _);
    }

    /// <summary>The topic of a frame payload built by <see cref="EncodeMessageFrame"/> or <see cref="EncodeResetFrame"/>.</summary>
    public static bool TryReadTopic(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> topic)
    {
        var start = payload.StartsWith(MessageStart) ? MessageStart.Length
            : payload.StartsWith(ResetStart) ? ResetStart.Length : -1;
        topic = default;
        if (start < 0)
            return false;
        var length = payload[start..].IndexOf((byte)'"');
        if (length < 0)
            return false;
        topic = payload.Slice(start, length);
        return true;
    }

    private static ReadOnlySpan<byte> ResetStart => "{\"type\":\"reset\",\"topic\":\""u8;

    // {"type":…,"id":…,"topic":…,"epoch":…,"offset":… (left open for the rest); no id when it is empty.
    private static void WritePositionHead(Utf8JsonWriter writer, ReadOnlySpan<byte> type, ReadOnlySpan<byte> id,
        string topic, string epoch, long offset)
    {
        WriteReplyHead(writer, type, id, topic);
        writer.WriteString("epoch"u8, epoch);
        writer.WriteNumber("offset"u8, offset);
    }
}
