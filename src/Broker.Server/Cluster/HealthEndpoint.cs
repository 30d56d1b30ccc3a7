using Broker.Core.Backplane;

namespace Broker.Server.Cluster;

/// <summary>
/// <c>GET /healthz</c>, for load balancers and orchestrators: 200 <c>ok</c> while the node accepts connections and its
/// backplane accepts publishes; 503 <c>degraded: backplane unavailable</c> while Redis is unreachable (connections stay
/// open, publishes fail with backplane_unavailable, the node heals by itself); 503 <c>stopping</c> once shutdown began.
/// </summary>
internal static class HealthEndpoint
{
    public static void MapHealth(this WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        var backplane = app.Services.GetRequiredService<IBackplane>();
        app.MapGet("/healthz", () =>
            stopping.IsCancellationRequested ? Results.Text("stopping", statusCode: StatusCodes.Status503ServiceUnavailable)
            : !backplane.IsHealthy ? Results.Text("degraded: backplane unavailable", statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Text("ok"));
    }
}
