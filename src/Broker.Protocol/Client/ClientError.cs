namespace Broker.Protocol.Client;

/// <summary>
/// The stable error codes of docs/protocol.md. <see cref="ClientErrors.Code"/> gives the wire spelling. None of them
/// closes the connection by itself; only <c>broker.limits.max-violations</c> in a row does (4002).
/// </summary>
public enum ClientError : byte
{
    /// <summary>No error.</summary>
    None = 0,
    /// <summary><c>bad_json</c>: the frame is not one JSON object.</summary>
    BadJson,
    /// <summary><c>bad_request</c>: a required field is missing, duplicated or has the wrong JSON type.</summary>
    BadRequest,
    /// <summary><c>unknown_type</c>: <c>type</c> is not a known command.</summary>
    UnknownType,
    /// <summary><c>bad_topic</c>: the topic breaks the naming rules, or a publish names a wildcard pattern.</summary>
    BadTopic,
    /// <summary><c>too_many_subscriptions</c>: the connection already holds the most subscriptions allowed.</summary>
    TooManySubscriptions,
    /// <summary><c>message_too_large</c>: the published <c>data</c> exceeds <c>broker.limits.max-publish-bytes</c>.</summary>
    MessageTooLarge,
    /// <summary><c>rate_limited</c>: the connection's publish token bucket is empty.</summary>
    RateLimited,
    /// <summary><c>backplane_unavailable</c>: the backplane could not accept the publish; nothing was published.</summary>
    BackplaneUnavailable,
    /// <summary><c>forbidden</c>: the topic's namespace (or the token's grants) does not allow this subscribe or publish.</summary>
    Forbidden,
    /// <summary><c>not_available</c>: the topic's namespace does not offer this command (presence off).</summary>
    NotAvailable,
    /// <summary><c>overloaded</c>: the node's outbound queues are over <c>broker.limits.max-outbound-bytes</c>; try later.</summary>
    Overloaded,
}
