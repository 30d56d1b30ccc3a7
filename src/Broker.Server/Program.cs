using Akka.Configuration;
using Broker.Server;
using Broker.Server.Cluster;
using Broker.Server.Operations;

if (CommandLine.TryAnswer(args, Console.Out))
    return 0;

Config config;
WebApplication app;
try
{
    config = ClusterMode.Layer(BrokerConfig.Load(args, Environment.GetEnvironmentVariables(), BrokerConfig.DefaultsPath),
        ClusterMode.DefaultsPath);
    app = BrokerApp.Build(config);
}
catch (Exception e) when (e is ArgumentException or IOException or ConfigurationException)
{
    // Bad flags, an unreadable --config file or an invalid setting: say which, and exit like a CLI tool.
    await Console.Error.WriteLineAsync($"broker: {e.Message}");
    return 2;
}

// One host per cluster incarnation: a node the cluster downed has closed its clients with 1001 and stopped its
// ActorSystem; it starts again with a fresh one (and fresh Redis connections) and joins through the seeds as a new
// incarnation. A stop that was asked for (SIGTERM) ends the loop.
while (true)
{
    await app.StartAsync();
    Console.WriteLine($"Broker listening on {BrokerApp.BoundAddress(app)}");
    BrokerApp.LogStarted(app);
    await app.WaitForShutdownAsync();
    var rejoin = app.Services.GetRequiredService<NodeRestart>().Requested;
    await app.DisposeAsync();
    if (!rejoin) return 0;
    await Console.Error.WriteLineAsync("broker: the cluster downed this node; starting again to rejoin");
    app = BrokerApp.Build(config);
}
