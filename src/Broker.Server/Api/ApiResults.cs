using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using Broker.Protocol.Client;

namespace Broker.Server.Api;

/// <summary>JSON responses of the HTTP API, written with <see cref="Utf8JsonWriter"/> (no reflection serializer).</summary>
internal static class ApiResults
{
    private const string JsonContentType = "application/json; charset=utf-8";

    // The default encoder escapes '>' (HTML safety); topics such as chat.> read better unescaped in a JSON response.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task JsonAsync(HttpContext context, int status, Action<Utf8JsonWriter> write)
    {
        var body = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(body, WriterOptions))
            write(writer);
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        await context.Response.Body.WriteAsync(body.WrittenMemory, context.RequestAborted);
    }

    /// <summary>An error with one of the WebSocket protocol's stable codes (docs/protocol.md).</summary>
    public static Task ErrorAsync(HttpContext context, int status, ClientError error, string message)
    {
        var body = new ArrayBufferWriter<byte>(256);
        ServerMessageWriter.WriteError(body, ReadOnlySpan<byte>.Empty, error, message);
        context.Response.StatusCode = status;
        context.Response.ContentType = JsonContentType;
        return context.Response.Body.WriteAsync(body.WrittenMemory, context.RequestAborted).AsTask();
    }

    /// <summary>An error of the HTTP API itself (authentication), in the same shape.</summary>
    public static Task ErrorAsync(HttpContext context, int status, string code, string message) =>
        JsonAsync(context, status, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, "error"u8);
            writer.WriteString("code"u8, code);
            writer.WriteString("message"u8, message);
            writer.WriteEndObject();
        });
}
