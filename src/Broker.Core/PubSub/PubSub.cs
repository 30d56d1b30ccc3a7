namespace Broker.Core.PubSub;

// Messages a PubSubHandler sends to its own connection actor: a publish's backplane outcome, piped back so the actor
// never waits on the backplane.
internal static class PubSub
{
    // Id is the raw JSON id copied out of the command (null: no reply on success).
    public sealed record Published(string Topic, byte[]? Id, long Offset);

    public sealed record PublishFailed(string Topic, byte[]? Id, Exception Cause);
}
