using Akka.Configuration;
using Broker.Core.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;

namespace Broker.Server.Tests.Support;

/// <summary>A real broker node in-process: Kestrel on 127.0.0.1 and a free port, the shipped defaults plus overrides.</summary>
public sealed class TestBroker : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestBroker(WebApplication app, Uri http)
    {
        _app = app;
        Http = http;
    }

    /// <summary>http://127.0.0.1:PORT</summary>
    public Uri Http { get; }

    /// <summary>The node's connection counters (slow consumers, heartbeat timeouts, open connections).</summary>
    public ConnectionCounters Counters => _app.Services.GetRequiredService<ConnectionCounters>();

    public Uri Ws(string path = "/ws") => new($"ws://{Http.Authority}{path}");

    public static async Task<TestBroker> StartAsync(string overrides = "")
    {
        var config = ConfigurationFactory.ParseString(overrides)
            .WithFallback(ConfigurationFactory.ParseString("broker.http { host = \"127.0.0.1\", port = 0 }"))
            .WithFallback(ConfigurationFactory.ParseString(File.ReadAllText(BrokerConfig.DefaultsPath)));
        var app = BrokerApp.Build(config);
        await app.StartAsync();
        return new TestBroker(app, new Uri(BrokerApp.BoundAddress(app)));
    }

    /// <summary>Graceful shutdown, as on SIGTERM (idempotent; DisposeAsync calls it too).</summary>
    public async Task StopAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _app.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
    }
}
