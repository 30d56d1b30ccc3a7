using Broker.Core.Backplane;
using Broker.Core.Connections;
using Broker.Core.Presence;
using Broker.Protocol.Client;

namespace Broker.Core.PubSub;

// Messages a PubSubHandler sends to its own connection actor: the outcome of a backplane call (publish, position,
// history, presence) piped back so the actor never waits on the backplane. (The replay's pacing signal comes from the
// outbox: Connection.RoomForReplay.)
internal static class PubSub
{
    // Id is the raw JSON id copied out of the command (null: no reply on success); Bytes is the data's length, which
    // leaves the connection's in-flight count with the reply.
    public sealed record Published(string Topic, byte[]? Id, PublishOutcome Outcome, int Bytes) : IHandlerMessage;

    // A concrete subscribe's position (or, with since, its replay) was read; Holding: the connection holds the topic's
    // live frames until this is written.
    public sealed record Positioned(string Topic, byte[]? Id, StreamPosition? Since, bool Holding, HistoryPage Page) : IHandlerMessage;

    public sealed record PositionFailed(string Topic, byte[]? Id, bool Holding, Exception Cause) : IHandlerMessage;

    public sealed record HistoryRead(string Topic, byte[]? Id, StreamPosition? Since, HistoryPage Page) : IHandlerMessage;

    public sealed record HistoryFailed(string Topic, byte[]? Id, Exception Cause) : IHandlerMessage;

    public sealed record PresenceRead(string Topic, byte[]? Id, IReadOnlyList<PresenceMember> Members) : IHandlerMessage;

    public sealed record PresenceStatsRead(string Topic, byte[]? Id, PresenceStats Stats) : IHandlerMessage;

    public sealed record PresenceFailed(string Topic, byte[]? Id, Exception Cause) : IHandlerMessage;
}
