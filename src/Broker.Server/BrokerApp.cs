using System.Net;
using Akka.Actor;
using Akka.Hosting;
using Broker.Core.Connections;
using Broker.Core.Settings;
using Broker.Core.Shards;
using Broker.Server.Admin;
using Broker.Server.Api;
using Broker.Server.Auth;
using Broker.Server.Demo;
using Broker.Server.Metrics;
using Broker.Server.Operations;
using Broker.Server.PubSub;
using Broker.Server.Cluster;
using Broker.Server.WebSockets;
using Broker.Server.WebSockets.Listener;
using Broker.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
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
        var ops = OpsSettings.Create(config);
        // Every section is validated at startup, also broker.redis while the memory backplane is in use: a typo in a
        // setting that is not used yet should not wait for the day it is.
        _ = Broker.Redis.RedisSettings.Create(config);
        var clusterTls = ClusterTls.Create(config);
        if (clusterTls is not null && ClusterMode.IsEnabled(config))
            config = ClusterTls.EnableIn(config);
        var builder = WebApplication.CreateSlimBuilder(DemoFiles.Options([]));
        // stdout carries one line per start ("Broker listening on ..."; a downed node that rejoins starts again and prints
        // another), which scripts and tests parse; logs go to stderr.
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.UseBrokerFormat(ops.JsonLogs);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // A failed start is reported by Program as one line; the host would log it again with a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);
        var certificate = settings.Http.Tls is { } tls
            ? new CertificateReloader(tls, LoggerFactory.Create(l => l.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)).CreateLogger("Broker.Tls"))
            : null;
        var shardSettings = ShardSettings.Create(config);
        // A shard's flush runs Kestrel's socket send on the shard's own thread instead of queueing it to Kestrel's I/O
        // threads: one thread hand-off less per flushed connection (see broker.shards.send-on-shard).
        builder.WebHost.UseSockets(sockets => sockets.UnsafePreferInlineScheduling = shardSettings.SendOnShard);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Plaintext: the broker accepts the sockets itself and runs WebSocket connections on its own transport
            // (PlainListener); behind TLS, Kestrel's transport and the connection middleware serve them.
            var address = ParseAddress(settings.Http.Host);
            kestrel.Listen(certificate is null ? new TakeoverEndPoint(address, settings.Http.Port) : new IPEndPoint(address, settings.Http.Port), listen =>
            {
                // With broker.http.tls the port serves HTTPS and wss only, over HTTP/1.1: with ALPN offering h2, browsers
                // open wss as an HTTP/2 extended CONNECT (RFC 8441), which the broker's RFC 6455 handshake does not serve.
                if (certificate is not null)
                {
                    listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1;
                    listen.UseHttps(https => https.ServerCertificateSelector = (_, _) => certificate.Current);
                }
                // After TLS (it sees plaintext): WebSocket handshakes are taken below HTTP/1.1; the rest goes on to HTTP.
                listen.Use(next => new WebSocketConnectionMiddleware(next, listen.ApplicationServices).OnConnectedAsync);
            });
            // The metrics port is plain HTTP for the scraper on a private network (docs/metrics.md).
            if (ops.MetricsPort != 0)
                kestrel.Listen(ParseAddress(settings.Http.Host), ops.MetricsPort);
        });
        if (certificate is not null)
            builder.Services.AddSingleton(certificate); // disposed with the host
        // Kestrel waits this long for upgraded connections to finish their 1001 close handshake on shutdown.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.Shutdown.DrainTimeout);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton(new ConnectionCounters(settings.Limits.MaxOutboundBytes));
        builder.Services.AddSingleton<WebSocketRoutes>();
        builder.Services.AddSingleton<WebSocketSessions>();
        builder.Services.AddSingleton<WebSocketTakeover>();
        // After the socket transport UseSockets registered: Kestrel asks the last registered factory first.
        builder.Services.AddSingleton<IConnectionListenerFactory>(services => new PlainListenerFactory(
            services.GetRequiredService<WebSocketTakeover>(),
            new SocketConnectionFactoryOptions { UnsafePreferInlineScheduling = shardSettings.SendOnShard },
            shardSettings.EpollReads ? EpollReadiness.Shared : null, settings.Shutdown.DrainTimeout,
            services.GetRequiredService<ILoggerFactory>()));
        builder.Services.AddSingleton<NodeRestart>();
        var metrics = new BrokerMetrics();
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton(metrics.Timings);
        // Created (and disposed) by the container: the shard threads outlive the ActorSystem that runs on them.
        builder.Services.AddSingleton(_ => new ShardSet(shardSettings));
        builder.Services.AddBrokerBackplane(config); // before AddAkka: the backplane outlives the ActorSystem
        builder.Services.AddBrokerPubSub(config);
        builder.Services.AddBrokerAuth(settings);
        builder.Services.AddAkka(ClusterMode.ActorSystemName, (akka, provider) =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend);
            if (clusterTls is not null)
                akka.AddSetup(clusterTls.Setup());
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
                var counters = provider.GetRequiredService<ConnectionCounters>();
                var connections = system.ActorOf(ConnectionSupervisorActor.Props(settings.WebSocket, shards, counters.Outbound),
                    "connections");
                registry.Register<ConnectionSupervisorActor>(connections);
                ClientDrain.CloseClientsOnShutdown(system, connections, counters,
                    settings.WebSocket.CloseTimeout);
            });
            akka.WithBrokerPubSub(provider);
            akka.WithUserDirectory();
            akka.WithNodeStats(provider);
        });

        var app = builder.Build();
        app.MapBrokerMetrics(ops.MetricsPort);
        AuthHosting.CheckAtStartup(app, settings);
        app.UseAdminKey(settings.Http.AdminKey);
        MapEndpoints(app, settings);
        return app;
    }

    /// <summary>The address Kestrel actually bound (port 0 resolved to the real port).</summary>
    public static string BoundAddress(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();

    /// <summary>The node's first log line: version, address, cluster or single, which backplane.</summary>
    public static void LogStarted(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Broker.Server");
        var clustered = ((ExtendedActorSystem)app.Services.GetRequiredService<ActorSystem>()).Provider is Akka.Cluster.ClusterActorRefProvider;
        var backplane = app.Services.GetRequiredService<Core.Backplane.IBackplane>() is Core.Backplane.InMemoryBackplane ? "memory" : "redis";
        Log.NodeStarted(logger, CommandLine.Version, BoundAddress(app), clustered ? "cluster" : "single", backplane);
    }

    private static void MapEndpoints(WebApplication app, BrokerSettings settings)
    {
        var lifetime = app.Lifetime;
        // Resolved lazily: the ActorSystem starts with the host, after the endpoints are mapped.
        var supervisor = app.Services.GetRequiredService<IRequiredActor<ConnectionSupervisorActor>>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Broker.Server");
        var sessions = app.Services.GetRequiredService<WebSocketSessions>();
        var routes = app.Services.GetRequiredService<WebSocketRoutes>();
        app.Services.GetRequiredService<WebSocketTakeover>().Prepare();

        lifetime.ApplicationStopping.Register(() =>
        {
            Log.ClosingAllConnections(logger);
            supervisor.ActorRef.Tell(new ConnectionSupervisor.CloseAll(Protocol.CloseStatus.GoingAway));
        });
        app.MapHealth();
        app.MapReadiness();
        app.MapNodes();

        Map("/ws", AuthHosting.HandlerFactory(app.Services, settings));
        if (settings.Http.EchoEndpoint)
            Map("/echo", _ => ValueTask.FromResult<IMessageHandler?>(EchoHandler.Instance));

        void Map(string path, Func<HttpContext, ValueTask<IMessageHandler?>> newHandler)
        {
            routes.Add(path, newHandler);
            app.Map(path, new WebSocketEndpoint(newHandler, sessions, logger).HandleAsync);
        }

        app.MapBrokerApi(settings);
        app.MapUsers();
        app.MapAdminOverview();
        app.UseDemoFiles();
    }

    private static IPAddress ParseAddress(string host) =>
        host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var address) ? address
        : throw new ArgumentException($"broker.http.host must be an IP address or localhost, not {host}");
}
