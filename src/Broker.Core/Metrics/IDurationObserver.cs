namespace Broker.Core.Metrics;

/// <summary>
/// Receives durations for a histogram (the server exports them as Prometheus histograms). Called once per backplane
/// message on this node, not per delivery: implementations must not lock or allocate.
/// </summary>
public interface IDurationObserver
{
    /// <summary>Records one duration in seconds.</summary>
    void Observe(double seconds);
}
