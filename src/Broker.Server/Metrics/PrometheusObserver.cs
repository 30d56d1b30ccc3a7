using Broker.Core.Metrics;
using Prometheus;

namespace Broker.Server.Metrics;

/// <summary>Feeds a Prometheus histogram: an unlabelled child observes with interlocked adds, no lock or allocation.</summary>
internal sealed class PrometheusObserver(Histogram histogram) : IDurationObserver
{
    public void Observe(double seconds) => histogram.Observe(seconds);
}
