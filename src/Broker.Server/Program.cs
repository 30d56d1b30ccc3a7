using Akka.Configuration;
using Broker.Server;
using Broker.Server.Cluster;

WebApplication app;
try
{
    var config = BrokerConfig.Load(args, Environment.GetEnvironmentVariables(), BrokerConfig.DefaultsPath);
    app = BrokerApp.Build(ClusterMode.Layer(config, ClusterMode.DefaultsPath));
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

try
{
    await app.StartAsync();
}
catch (Exception e)
{
    return await CannotStartAsync(e);
}
Console.WriteLine($"Broker listening on {BrokerApp.BoundAddress(app)}");
await app.WaitForShutdownAsync();
return 0;

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
