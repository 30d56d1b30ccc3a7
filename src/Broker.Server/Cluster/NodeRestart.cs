namespace Broker.Server.Cluster;

/// <summary>
/// Why the host stopped when the process should go on: the cluster downed this node, or it could not join within
/// <c>akka.cluster.shutdown-after-unsuccessful-join-seed-nodes</c>. Program.cs then starts it again with a fresh
/// ActorSystem (a new incarnation) that joins through the seeds. Null when it was asked to stop (SIGTERM, or an operator
/// made it leave): then the process exits.
/// </summary>
internal sealed class NodeRestart
{
    private volatile string? _reason;

    /// <summary>Why this node starts again, or null when it stops for good.</summary>
    public string? Reason => _reason;

    public void Request(string reason) => _reason = reason;
}
