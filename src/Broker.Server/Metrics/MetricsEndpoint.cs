using Prometheus;

namespace Broker.Server.Metrics;

/// <summary>
/// <c>GET /metrics</c> in the Prometheus text format. <c>broker.metrics.port = 0</c> serves it on the main HTTP port;
/// any other port moves it there (Kestrel listens on both), so a firewall can keep it private: the main port then
/// answers 404 for /metrics and the metrics port answers 404 for everything else.
/// </summary>
internal static class MetricsEndpoint
{
    private const string Path = "/metrics";

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
