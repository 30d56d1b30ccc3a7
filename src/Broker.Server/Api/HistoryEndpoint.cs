using System.Globalization;
using Broker.Core.Backplane;
using Broker.Core.Namespaces;
using Broker.Protocol.Client;

namespace Broker.Server.Api;

/// <summary>
/// <c>GET /api/history?topic=T&amp;limit=K</c> (optional <c>since_offset</c> and <c>since_epoch</c>): the topic's
/// epoch, latest offset and retained messages, the same answer as the WebSocket <c>history</c> command, keyed like
/// <c>/api/publish</c>.
/// </summary>
internal sealed class HistoryEndpoint(ApiKey apiKey, IBackplane backplane, NamespaceTable namespaces)
{
    public async Task HandleAsync(HttpContext context)
    {
        if (!await apiKey.AuthorizeAsync(context, "history"))
            return;
        var query = context.Request.Query;
        var topic = query["topic"].ToString();
        if (TopicName.Validate(topic, allowWildcards: false) is { } reason)
        {
            await ApiResults.ErrorAsync(context, StatusCodes.Status400BadRequest, ClientError.BadTopic, reason);
            return;
        }
        var size = namespaces.Resolve(topic).History.Size;
        if (!TryNumber(query["limit"], size, out var limit) || !TryNumber(query["since_offset"], -1, out var after))
        {
            await ApiResults.ErrorAsync(context, StatusCodes.Status400BadRequest, ClientError.BadRequest,
                "limit and since_offset must be whole numbers, 0 or more");
            return;
        }
        var sinceEpoch = query["since_epoch"].ToString();
        HistoryPage page;
        try
        {
            page = await backplane.ReadHistoryAsync(topic, after < 0 ? null : after, (int)Math.Min(limit, size),
                context.RequestAborted);
        }
        catch (BackplaneUnavailableException)
        {
            await ApiResults.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, ClientError.BackplaneUnavailable,
                "the backplane could not read the history; try again");
            return;
        }
        // As on /ws: offsets of another epoch mean nothing in this one, so no messages.
        var messages = after >= 0 && sinceEpoch.Length > 0 && sinceEpoch != page.Position.Epoch ? [] : page.Messages;
        await ApiResults.JsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("topic"u8, topic);
            writer.WriteString("epoch"u8, page.Position.Epoch);
            writer.WriteNumber("offset"u8, page.Position.Offset);
            writer.WriteStartArray("messages"u8);
            foreach (var message in messages)
            {
                writer.WriteStartObject();
                writer.WriteNumber("offset"u8, message.Offset);
                writer.WritePropertyName("data"u8);
                writer.WriteRawValue(message.Data.Span, skipInputValidation: true);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private static bool TryNumber(string? text, long absent, out long value)
    {
        value = absent;
        return string.IsNullOrEmpty(text)
               || long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
