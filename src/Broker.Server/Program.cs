using Akka.Configuration;
using Broker.Server;

WebApplication app;
try
{
    app = BrokerApp.Build(BrokerConfig.Load(args, Environment.GetEnvironmentVariables(), BrokerConfig.DefaultsPath));
}
catch (Exception e) when (e is ArgumentException or IOException or ConfigurationException)
{
    // Bad flags, an unreadable --config file or an invalid setting: say which, and exit like a CLI tool.
    await Console.Error.WriteLineAsync($"broker: {e.Message}");
    return 2;
}

await app.StartAsync();
Console.WriteLine($"Broker listening on {BrokerApp.BoundAddress(app)}");
await app.WaitForShutdownAsync();
return 0;
