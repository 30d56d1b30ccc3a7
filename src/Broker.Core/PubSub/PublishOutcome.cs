using Broker.Core.Backplane;
using Broker.Protocol.Client;

namespace Broker.Core.PubSub;

/// <summary>What became of one <see cref="Publisher.PublishAsync"/>: the message's offset, or why nothing was published.</summary>
public readonly record struct PublishOutcome(long Offset, Exception? Failure)
{
    /// <summary>The message to send with <see cref="ClientError.BackplaneUnavailable"/> for any failure.</summary>
    public const string FailureMessage = "the backplane could not accept the publish; nothing was published";

    /// <summary>The backplane took the message; <see cref="Offset"/> is its position in the topic.</summary>
    public bool IsPublished => Failure is null;

    /// <summary>
    /// A failure other than the backplane's expected outage (<see cref="BackplaneUnavailableException"/>, which the
    /// backplane logs once per outage): a bug the caller reports.
    /// </summary>
    public bool IsUnexpected => Failure is not (null or BackplaneUnavailableException);
}
