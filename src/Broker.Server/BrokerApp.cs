using System.Net;
using Akka.Actor;
using Akka.Hosting;
using Broker.Core.Connections;
using Broker.Core.Settings;
using Broker.Server.Api;
using Broker.Server.Demo;
using Broker.Server.PubSub;
using Broker.Protocol.Handshake;
using Broker.Server.Cluster;
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
        // A failed start is reported by Program as one line; the host would log it again with a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(ParseAddress(settings.Http.Host), settings.Http.Port));
        // Kestrel waits this long for upgraded connections to finish their 1001 close handshake on shutdown.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Shutdown.DrainTimeout);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<ConnectionCounters>();
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
                registry.Register<ConnectionSupervisorActor>(system.ActorOf(ConnectionSupervisorActor.Props(settings.WebSocket), "connections")));
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
        var counters = app.Services.GetRequiredService<ConnectionCounters>();
        var handshake = new HandshakeOptions(settings.Http.AllowedOrigins, settings.WebSocket.Subprotocols, settings.WebSocket.Deflate);

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
            var endpoint = new WebSocketEndpoint(newHandler, settings, handshake, supervisor, counters, logger);
            app.Map(path, endpoint.HandleAsync);
        }

        app.MapBrokerApi(settings);
        app.UseDemoFiles();
    }

    private static IPAddress ParseAddress(string host) =>
        host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var address) ? address
        : throw new ArgumentException($"broker.http.host must be an IP address or localhost, not {host}");
}
