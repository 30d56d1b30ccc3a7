using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.ExceptionServices;
using Broker.Core.PubSub;
using Broker.Core.Topics;
using Broker.Protocol.Client;
using Broker.Protocol.Text;

namespace Broker.Server.Api;

/// <summary>
/// <c>POST /api/publish</c>: a server publishes to a topic exactly as a WebSocket client would, through the same
/// <see cref="Publisher"/> (size limit, backplane, counters, error codes). What differs from <c>/ws</c> on purpose: the
/// API key grants every topic (no namespace permission check, as a token's grants would apply), the rate limit is the
/// node-wide <see cref="PublishRateLimit"/> rather than per connection, and a failure that is not the backplane's outage
/// is a bug answered 500 (a WebSocket client gets backplane_unavailable instead).
/// </summary>
internal sealed class PublishEndpoint(ApiKey apiKey, Publisher publisher, PubSubSettings settings, PublishRateLimit rateLimit)
{
    // Room for the envelope around data: the topic (at most 200 bytes, escapes can make it 6x) and the JSON punctuation.
    private const int EnvelopeBytes = 2048;

    public async Task HandleAsync(HttpContext context)
    {
        if (!await apiKey.AuthorizeAsync(context, "publish"))
            return;
        if (!rateLimit.TryTake())
        {
            context.Response.Headers.RetryAfter = "1";
            await ApiResults.ErrorAsync(context, StatusCodes.Status429TooManyRequests, ClientError.RateLimited,
                "the publish API's rate limit (broker.http.publish-rate) is reached; retry later");
            return;
        }
        var reader = context.Request.BodyReader;
        var body = await ReadBodyAsync(reader, settings.MaxPublishBytes + EnvelopeBytes, context.RequestAborted);
        if (body is null)
        {
            await ApiResults.ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, ClientError.MessageTooLarge,
                $"the body is larger than data's limit of {settings.MaxPublishBytes} bytes allows");
            return;
        }
        try
        {
            await PublishAsync(context, body.Value);
        }
        finally
        {
            reader.AdvanceTo(body.Value.End);
        }
    }

    private async Task PublishAsync(HttpContext context, ReadOnlySequence<byte> body)
    {
        // Utf8JsonReader does not check the bytes inside strings: without this, invalid UTF-8 in data would reach every
        // subscriber inside a text frame (which their clients must then fail with 1007), and in topic it throws.
        if (!IsUtf8(body))
        {
            await ApiResults.ErrorAsync(context, StatusCodes.Status400BadRequest, ClientError.BadJson, "the body is not valid UTF-8");
            return;
        }
        var request = PublishRequest.Parse(body);
        if (!request.IsValid)
        {
            await ApiResults.ErrorAsync(context, StatusCodes.Status400BadRequest, request.Error, request.Message!);
            return;
        }
        if (publisher.CheckSize(request.Data.Length) is { } tooLarge)
        {
            await ApiResults.ErrorAsync(context, StatusCodes.Status413PayloadTooLarge, ClientError.MessageTooLarge, tooLarge);
            return;
        }
        var topic = request.Topic!;
        // The one copy: out of the request buffer into the immutable array the backplane and subscribers share.
        var outcome = await publisher.PublishAsync(topic, request.Data.ToArray(), context.RequestAborted);
        if (outcome.IsUnexpected)
            ExceptionDispatchInfo.Throw(outcome.Failure!);
        if (!outcome.IsPublished)
        {
            await ApiResults.ErrorAsync(context, StatusCodes.Status503ServiceUnavailable, ClientError.BackplaneUnavailable,
                PublishOutcome.FailureMessage);
            return;
        }
        await ApiResults.JsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("topic"u8, topic);
            writer.WriteNumber("offset"u8, outcome.Offset);
            writer.WriteEndObject();
        });
    }

    private static bool IsUtf8(in ReadOnlySequence<byte> body)
    {
        var validator = new Utf8Validator();
        foreach (var segment in body)
        {
            if (!validator.TryAppend(segment.Span, final: false))
                return false;
        }
        return validator.TryAppend(default, final: true);
    }

    // Buffers the whole body in the pipe (no copy); null when it exceeds limit. The caller advances past the result.
    private static async Task<ReadOnlySequence<byte>?> ReadBodyAsync(PipeReader reader, long limit, CancellationToken cancel)
    {
        while (true)
        {
            var result = await reader.ReadAsync(cancel);
            var buffer = result.Buffer;
            if (buffer.Length > limit)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }
            if (result.IsCompleted)
                return buffer;
            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
