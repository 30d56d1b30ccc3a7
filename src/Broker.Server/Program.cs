using Akka.Configuration;
using Broker.Server;
using Broker.Server.Cluster;
using Broker.Server.Operations;

if (CommandLine.TryAnswer(args, Console.Out))
    return 0;

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

await app.StartAsync();
Console.WriteLine($"Broker listening on {BrokerApp.BoundAddress(app)}");
BrokerApp.LogStarted(app);
await app.WaitForShutdownAsync();
return 0;
