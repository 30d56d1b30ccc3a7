namespace Broker.Sockets;

/// <summary>Told by <see cref="EpollReadiness"/> that its socket became readable (or failed, or the peer closed).</summary>
public interface IReadinessTarget
{
    void OnReadable();
}
