using System.Net;
using System.Net.Sockets;
using Broker.Testing;

namespace Broker.Cluster.Tests;

/// <summary>A node that cannot start says why in one line and exits non-zero (issue 10 item 11).</summary>
public sealed class StartupErrorTests
{
    [Fact]
    public async Task Start_HttpPortInUse_OneStderrLineAndExitCode1()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => BrokerProcess.StartAsync(["--port", $"{port}"]));

        Assert.Contains("exited with 1", error.Message);
        AssertOneErrorLine(error.Message);
    }

    [Fact]
    public async Task Start_ClusterPortInUse_OneStderrLineAndNonZeroExit()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var error = await Assert.ThrowsAnyAsync<Exception>(() => BrokerProcess.StartAsync(
            ["--cluster-host", "127.0.0.1", "--cluster-port", $"{port}", "--seeds", $"127.0.0.1:{port}"]));

        // Akka's remoting logs its own bind failure (with a trace) before the node gives up; what matters is the exit.
        Assert.DoesNotContain("exited with 134", error.Message); // SIGABRT
        Assert.Contains("exited with 1", error.Message);
        Assert.DoesNotContain("Unhandled exception", error.Message);
        Assert.Contains("broker: cannot start: Address already in use", error.Message);
    }

    private static void AssertOneErrorLine(string message)
    {
        Assert.DoesNotContain("Unhandled exception", message);
        Assert.DoesNotContain("   at ", message);
        Assert.Single(message.Split('\n'), line => line.StartsWith("broker: ", StringComparison.Ordinal));
    }
}
