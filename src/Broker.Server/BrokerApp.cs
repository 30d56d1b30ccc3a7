using System.Net;
using Akka.Actor;
using Akka.Hosting;
using Broker.Core.Connections;
using Broker.Core.Settings;
using Broker.Core.Shards;
using Broker.Server.Api;
using Broker.Server.Demo;
using Broker.Server.PubSub;
using Broker.Server.Cluster;
using Broker.Server.WebSockets;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging.Console;
using AkkaConfig = Akka.Configuration.Config;

namespace Broker.Server;

/// <summary>Builds the node: Kestrel, one ActorSystem configured from the same merged HOCON, and the endpoints.</summary>
internal static class BrokerApp
{
    public static WebApplication Build(AkkaConfig config)
    {
        var settings = BrokerSettings.Create(config);
        var builder = WebApplication.CreateSlimBuilder(DemoFiles.Options([]));
        // stdout carries exactly one line ("Broker listening on ..."), which scripts and tests parse; logs go to stderr.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // WebSocket handshakes are taken below HTTP/1.1 (WebSocketConnectionMiddleware); everything else goes on to HTTP.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(ParseAddress(settings.Http.Host), settings.Http.Port,
            listen => listen.Use(next => new WebSocketConnectionMiddleware(next, listen.ApplicationServices).OnConnectedAsync)));
        // Kestrel waits this long for upgraded connections to finish their 1001 close handshake on shutdown.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Shutdown.DrainTimeout);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<ConnectionCounters>();
        builder.Services.AddSingleton<WebSocketRoutes>();
        builder.Services.AddSingleton<WebSocketSessions>();
        // Created (and disposed) by the container: the shard threads outlive the ActorSystem that runs on them.
        builder.Services.AddSingleton(_ => new ShardSet(ShardSettings.Create(config)));
        builder.Services.AddBrokerBackplane(config); // before AddAkka: the backplane outlives the ActorSystem
        builder.Services.AddBrokerPubSub(config);
        builder.Services.AddAkka(ClusterMode.ActorSystemName, (akka, provider) =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend);
            akka.StopHostWhenTerminated();
            // Actor logs go through the host's ILoggerFactory, so they land on stderr with everything else.
            akka.ConfigureLoggers(loggers =>
            {
                // Only the host's logger: Akka's default logger would write to stdout.
                loggers.ClearLoggers();
                loggers.AddLoggerFactory();
            });
            akka.WithActors((system, registry) =>
            {
                var shards = provider.GetRequiredService<ShardSet>();
                shards.Register(system);
                registry.Register<ConnectionSupervisorActor>(
                    system.ActorOf(ConnectionSupervisorActor.Props(settings.WebSocket, shards), "connections"));
            });
            akka.WithBrokerPubSub(provider);
        });

        var app = builder.Build();
        MapEndpoints(app, settings);
        return app;
    }

    /// <summary>The address Kestrel actually bound (port 0 resolved to the real port).</summary>
    public static string BoundAddress(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();

    private static void MapEndpoints(WebApplication app, BrokerSettings settings)
    {
        var lifetime = app.Lifetime;
        // Resolved lazily: the ActorSystem starts with the host, after the endpoints are mapped.
        var supervisor = app.Services.GetRequiredService<IRequiredActor<ConnectionSupervisorActor>>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Broker.Server");
        var sessions = app.Services.GetRequiredService<WebSocketSessions>();
        var routes = app.Services.GetRequiredService<WebSocketRoutes>();

        lifetime.ApplicationStopping.Register(() =>
        {
            Log.ClosingAllConnections(logger);
            supervisor.ActorRef.Tell(new ConnectionSupervisor.CloseAll(Protocol.CloseStatus.GoingAway));
        });
        app.MapHealth();
        app.MapNodes();

        Map("/ws", PubSubHosting.HandlerFactory(app.Services));
        if (settings.Http.EchoEndpoint)
            Map("/echo", () => EchoHandler.Instance);

        void Map(string path, Func<IMessageHandler> newHandler)
        {
            routes.Add(path, newHandler);
            app.Map(path, new WebSocketEndpoint(newHandler, sessions, logger).HandleAsync);
        }

        app.MapBrokerApi(settings);
        app.UseDemoFiles();
    }

    private static IPAddress ParseAddress(string host) =>
        host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var address) ? address
        : throw new ArgumentException($"broker.http.host must be an IP address or localhost, not {host}");
}
