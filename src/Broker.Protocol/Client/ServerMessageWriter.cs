using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Broker.Protocol.Framing;

namespace Broker.Protocol.Client;

/// <summary>
/// Writes the server's JSON messages (docs/protocol.md, "Server → client"):
/// <code>
/// {"type":"ack","id":1,"topic":"chat.lobby","offset":42}
/// {"type":"message","topic":"chat.lobby","offset":42,"data":{...}}
/// {"type":"error","id":3,"code":"bad_topic","message":"topic segment 2 is empty"}
/// </code>
/// Acks and messages are assembled by hand: topics are plain ASCII that JSON never escapes (<see cref="TopicName"/>),
/// ids and data are raw JSON tokens the client sent, copied unchanged. Error messages are free text and go through
/// <see cref="Utf8JsonWriter"/> for escaping. Topics passed here must be valid names.
/// </summary>
public static partial class ServerMessageWriter
{
    private static ReadOnlySpan<byte> AckStart => "{\"type\":\"ack\",\"id\":"u8;
    private static ReadOnlySpan<byte> TopicField => ",\"topic\":\""u8;
    private static ReadOnlySpan<byte> OffsetField => ",\"offset\":"u8;
    private static ReadOnlySpan<byte> MessageStart => "{\"type\":\"message\",\"topic\":\""u8;
    private static ReadOnlySpan<byte> DataField => ",\"data\":"u8;

    /// <summary>
    /// Writes an ack echoing <paramref name="id"/> (raw JSON), with <paramref name="topic"/> for subscribe, unsubscribe and
    /// publish (null for ping) and <paramref name="offset"/> for publish (null otherwise).
    /// </summary>
    public static void WriteAck(IBufferWriter<byte> output, ReadOnlySequence<byte> id, string? topic, long? offset)
    {
        if (id.IsSingleSegment)
            WriteAck(output, id.FirstSpan, topic, offset);
        else
            WriteAck(output, id.ToArray(), topic, offset);
    }

    /// <summary>
    /// Writes an ack echoing <paramref name="id"/> (raw JSON, e.g. kept from <see cref="ClientCommand.Id"/> until the
    /// backplane answered a publish), with <paramref name="topic"/> for subscribe, unsubscribe and publish (null for
    /// ping) and <paramref name="offset"/> for publish (null otherwise).
    /// </summary>
    public static void WriteAck(IBufferWriter<byte> output, ReadOnlySpan<byte> id, string? topic, long? offset)
    {
        var length = AckStart.Length + id.Length + 1
            + (topic is null ? 0 : TopicField.Length + topic.Length + 1)
            + (offset is null ? 0 : OffsetField.Length + DigitCount(offset.Value));
        var span = output.GetSpan(length);
        var at = Append(span, 0, AckStart);
        at = Append(span, at, id);
        if (topic is not null)
        {
            at = Append(span, at, TopicField);
            at += Encoding.ASCII.GetBytes(topic, span[at..]);
            span[at++] = (byte)'"';
        }
        if (offset is { } value)
        {
            at = Append(span, at, OffsetField);
            at += FormatOffset(value, span[at..]);
        }
        span[at++] = (byte)'}';
        output.Advance(at);
    }

    /// <summary>
    /// Writes an error with the stable <paramref name="error"/> code and a human-readable <paramref name="message"/>
    /// (escaped as JSON requires), echoing <paramref name="id"/> when it is not empty.
    /// </summary>
    public static void WriteError(IBufferWriter<byte> output, ReadOnlySequence<byte> id, ClientError error, string message)
    {
        if (id.IsSingleSegment)
            WriteError(output, id.FirstSpan, error, message);
        else
            WriteError(output, id.ToArray(), error, message);
    }

    /// <summary>
    /// Writes an error with the stable <paramref name="error"/> code and a human-readable <paramref name="message"/>
    /// (escaped as JSON requires), echoing the raw JSON <paramref name="id"/> when it is not empty.
    /// </summary>
    public static void WriteError(IBufferWriter<byte> output, ReadOnlySpan<byte> id, ClientError error, string message)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        writer.WriteStartObject();
        writer.WriteString("type"u8, "error"u8);
        if (!id.IsEmpty)
        {
            writer.WritePropertyName("id"u8);
            writer.WriteRawValue(id, skipInputValidation: true);
        }
        writer.WriteString("code"u8, ClientErrors.Code(error));
        writer.WriteString("message"u8, message);
        writer.WriteEndObject();
    }

    /// <summary>The length in bytes of the message JSON that <see cref="WriteMessage"/> writes.</summary>
    public static int GetMessageLength(string topic, long offset, int dataLength) =>
        MessageStart.Length + topic.Length + 1 + OffsetField.Length + DigitCount(offset) + DataField.Length + dataLength + 1;

    /// <summary>
    /// Writes <c>{"type":"message","topic":…,"offset":…,"data":…}</c> into <paramref name="destination"/>, which must hold
    /// <see cref="GetMessageLength"/> bytes, and returns the bytes written. <paramref name="data"/> is copied unchanged.
    /// </summary>
    public static int WriteMessage(Span<byte> destination, string topic, long offset, ReadOnlySpan<byte> data)
    {
        var at = Append(destination, 0, MessageStart);
        at += Encoding.ASCII.GetBytes(topic, destination[at..]);
        destination[at++] = (byte)'"';
        at = Append(destination, at, OffsetField);
        at += FormatOffset(offset, destination[at..]);
        at = Append(destination, at, DataField);
        at = Append(destination, at, data);
        destination[at++] = (byte)'}';
        return at;
    }

    /// <summary>
    /// Builds the complete unmasked text frame of a delivered message in one new array, the JSON written straight after
    /// the header (no intermediate copy). Built once per message per node and shared by every subscriber.
    /// </summary>
    public static byte[] EncodeMessageFrame(string topic, long offset, ReadOnlySpan<byte> data)
    {
        var jsonLength = GetMessageLength(topic, offset, data.Length);
        Span<byte> header = stackalloc byte[FrameWriter.MaxHeaderLength];
        var headerLength = FrameWriter.WriteHeader(header, OpCode.Text, jsonLength);
        var frame = GC.AllocateUninitializedArray<byte>(headerLength + jsonLength);
        header[..headerLength].CopyTo(frame);
        WriteMessage(frame.AsSpan(headerLength), topic, offset, data);
        return frame;
    }

    private static int Append(Span<byte> destination, int at, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(destination[at..]);
        return at + bytes.Length;
    }

    private static int FormatOffset(long offset, Span<byte> destination)
    {
        Utf8Formatter.TryFormat(offset, destination, out var written);
        return written;
    }

    private static int DigitCount(long value)
    {
        var digits = value < 0 ? 2 : 1;
        for (var rest = Math.Abs(value / 10); rest > 0; rest /= 10)
            digits++;
        return digits;
    }
}
