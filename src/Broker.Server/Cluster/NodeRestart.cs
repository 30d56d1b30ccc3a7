namespace Broker.Server.Cluster;

/// <summary>
/// Whether the host stopped because the cluster downed this node (then Program.cs starts it again and it rejoins) rather
/// than because it was asked to stop (SIGTERM, or an operator made it leave: then the process exits).
/// </summary>
internal sealed class NodeRestart
{
    private volatile bool _downed;

    public bool Requested => _downed;

    public void Downed() => _downed = true;
}
