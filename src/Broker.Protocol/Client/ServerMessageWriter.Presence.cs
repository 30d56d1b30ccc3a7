using System.Buffers;
using System.Text.Json;
using Broker.Protocol.Framing;

namespace Broker.Protocol.Client;

// Presence messages (docs/protocol.md, "Presence"):
//   {"type":"presence","id":1,"topic":"chat.lobby","clients":[{"client":"9f…","user":"alice"},{"client":"3c…","user":null}]}
//   {"type":"presence_stats","id":2,"topic":"chat.lobby","clients":2,"users":1}
//   {"type":"join","topic":"chat.lobby","client":"9f…","user":"alice"}   (and "leave")
// Users come from tokens (any string), so everything goes through Utf8JsonWriter for escaping.
public static partial class ServerMessageWriter
{
    /// <summary>Writes the answer to <c>presence</c>: every client in <paramref name="topic"/> with its user (null: anonymous).</summary>
    public static void WritePresence(IBufferWriter<byte> output, ReadOnlySpan<byte> id, string topic,
        IEnumerable<(string Client, string? User)> clients)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        WriteReplyHead(writer, "presence"u8, id, topic);
        writer.WriteStartArray("clients"u8);
        foreach (var (client, user) in clients)
        {
            writer.WriteStartObject();
            WriteMember(writer, client, user);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Writes the answer to <c>presence_stats</c>: the number of clients and of distinct users in <paramref name="topic"/>.</summary>
    public static void WritePresenceStats(IBufferWriter<byte> output, ReadOnlySpan<byte> id, string topic, long clients,
        long users)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { SkipValidation = true });
        WriteReplyHead(writer, "presence_stats"u8, id, topic);
        writer.WriteNumber("clients"u8, clients);
        writer.WriteNumber("users"u8, users);
        writer.WriteEndObject();
    }

    /// <summary>
    /// Builds the complete unmasked text frame of a <c>join</c> (<paramref name="joined"/>) or <c>leave</c> event, shared
    /// by every subscriber of the topic on the node.
    /// </summary>
    public static byte[] EncodePresenceEventFrame(bool joined, string topic, string client, string? user)
    {
        var json = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(json, new JsonWriterOptions { SkipValidation = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, joined ? "join"u8 : "leave"u8);
            writer.WriteString("topic"u8, topic);
            WriteMember(writer, client, user);
            writer.WriteEndObject();
        }
        Span<byte> header = stackalloc byte[FrameWriter.MaxHeaderLength];
        var headerLength = FrameWriter.WriteHeader(header, OpCode.Text, json.WrittenCount);
        var frame = new byte[headerLength + json.WrittenCount];
        header[..headerLength].CopyTo(frame);
        json.WrittenSpan.CopyTo(frame.AsSpan(headerLength));
        return frame;
    }

    // {"type":…,"id":…,"topic":… (left open for the rest); no id when it is empty.
    private static void WriteReplyHead(Utf8JsonWriter writer, ReadOnlySpan<byte> type, ReadOnlySpan<byte> id, string topic)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, type);
        if (!id.IsEmpty)
        {
            writer.WritePropertyName("id"u8);
            writer.WriteRawValue(id, skipInputValidation: true);
        }
        writer.WriteString("topic"u8, topic);
    }

    private static void WriteMember(Utf8JsonWriter writer, string client, string? user)
    {
        writer.WriteString("client"u8, client);
        if (user is null)
            writer.WriteNull("user"u8);
        else
            writer.WriteString("user"u8, user);
    }
}
