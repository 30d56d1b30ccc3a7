namespace Broker.Protocol.Client;

/// <summary>Wire spellings of <see cref="ClientError"/> (docs/protocol.md, "Error codes": stable, never renamed).</summary>
public static class ClientErrors
{
    /// <summary>The <c>code</c> field of an error reply for <paramref name="error"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="error"/> is <see cref="ClientError.None"/> or undefined.</exception>
    public static string Code(ClientError error) => error switch
    {
        ClientError.BadJson => "bad_json",
        ClientError.BadRequest => "bad_request",
        ClientError.UnknownType => "unknown_type",
        ClientError.BadTopic => "bad_topic",
        ClientError.TooManySubscriptions => "too_many_subscriptions",
        ClientError.MessageTooLarge => "message_too_large",
        ClientError.RateLimited => "rate_limited",
        ClientError.BackplaneUnavailable => "backplane_unavailable",
        ClientError.Forbidden => "forbidden",
        ClientError.NotAvailable => "not_available",
        ClientError.Overloaded => "overloaded",
        _ => throw new ArgumentOutOfRangeException(nameof(error), error, "not an error code"),
    };
}
