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
catch (Exception e)
{
    // Building the node starts the ActorSystem, which binds the cluster port.
    return await CannotStartAsync(e);
}

// One host per cluster incarnation: a node the cluster downed (or that could not join in time) has closed its clients
// with 1001 and stopped its ActorSystem; it starts again with a fresh one (and fresh Redis connections) and joins
// through the seeds as a new incarnation. A stop that was asked for (SIGTERM) ends the loop.
while (true)
{
    try
    {
        await app.StartAsync();
    }
    catch (Exception e)
    {
        return await CannotStartAsync(e);
    }
    Console.WriteLine($"Broker listening on {BrokerApp.BoundAddress(app)}");
    BrokerApp.LogStarted(app);
    await app.WaitForShutdownAsync();
    var restart = app.Services.GetRequiredService<NodeRestart>().Reason;
    await app.DisposeAsync();
    if (restart is null) return 0;
    await Console.Error.WriteLineAsync($"broker: {restart}; starting again to join as a new incarnation");
    app = BrokerApp.Build(config);
}

// The port is taken, the cluster port cannot be bound, a service failed to start: one line and exit code 1, not a
// stack trace and SIGABRT from an unhandled exception. The host's own "failed to start" log is silenced in BrokerApp.
static async Task<int> CannotStartAsync(Exception e)
{
    await Console.Error.WriteLineAsync($"broker: cannot start: {Innermost(e).Message}");
    return 1;
}

static Exception Innermost(Exception e) =>
    e is AggregateException { InnerExceptions.Count: 1 } aggregate ? Innermost(aggregate.InnerExceptions[0])
    : e.InnerException is { } inner && e is not IOException ? Innermost(inner)
    : e;
