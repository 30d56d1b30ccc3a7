using Akka.Configuration;
using Broker.Server;

Config config;
try
{
    config = BrokerConfig.Load(args, Environment.GetEnvironmentVariables(), BrokerConfig.DefaultsPath);
}
catch (Exception e) when (e is ArgumentException or IOException or ConfigurationException)
{
    await Console.Error.WriteLineAsync($"broker: {e.Message}");
    return 2;
}

var app = BrokerApp.Build(config);
await app.StartAsync();
Console.WriteLine($"Broker listening on {BrokerApp.BoundAddress(app)}");
await app.WaitForShutdownAsync();
return 0;
