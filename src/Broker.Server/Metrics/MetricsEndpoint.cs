using Prometheus;
using AkkaConfig = Akka.Configuration.Config;
using ConfigurationException = Akka.Configuration.ConfigurationException;

namespace Broker.Server.Metrics;

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format. <c>broker.metrics.port = 0</c> serves it on the main HTTP port;
/// any other port moves it there (Kestrel listens on both), so a firewall can keep it private: the main port then
/// answers 404 for /metrics and the metrics port answers 404 for everything else.
/// </summary>
internal static class MetricsEndpoint
{
    private const string Path = "/metrics";
    private const string PortPath = "broker.metrics.port";

    /// <summary>The metrics port from the merged config; 0 = the main HTTP port.</summary>
    public static int Port(AkkaConfig config)
    {
        var port = config.HasPath(PortPath) ? config.GetInt(PortPath) : throw new ConfigurationException($"missing setting {PortPath}");
        return port is >= 0 and <= 65535 ? port : throw new ConfigurationException($"{PortPath} must be 0-65535, not {port}");
    }

    public static void MapBrokerMetrics(this WebApplication app, int port)
    {
        var metrics = app.Services.GetRequiredService<BrokerMetrics>();
        metrics.Bind(app.Services);
        if (port == 0)
        {
            app.MapMetrics(Path, metrics.Registry);
            return;
        }
        // Before routing: requests to the metrics port never reach the broker's endpoints.
        app.UseWhen(context => context.Connection.LocalPort == port, branch =>
        {
            branch.UseMetricServer(Path, metrics.Registry);
            branch.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });
    }
}
