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

    [Fact]
    public async Task Start_ClusterTlsCaMissing_OneStderrLineNamingTheKeyAndExitCode2()
    {
        using var ca = new TestCertificateAuthority("startup-ca");
        var node = ca.Issue("node");
        var port = FreePort.Next();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => BrokerProcess.StartAsync(
            ["--cluster-host", "127.0.0.1", "--cluster-port", $"{port}", "--seeds", $"127.0.0.1:{port}"],
            new Dictionary<string, string>
            {
                ["BROKER__CLUSTER__TLS__CERTIFICATE"] = node.CertificatePath,
                ["BROKER__CLUSTER__TLS__KEY"] = node.KeyPath,
                ["BROKER__CLUSTER__TLS__CA"] = "/nonexistent/ca.pem",
            }));

        Assert.Contains("exited with 2", error.Message);
        Assert.Contains("broker: broker.cluster.tls.ca = \"/nonexistent/ca.pem\": no such file", error.Message);
        AssertOneErrorLine(error.Message);
    }

    private static void AssertOneErrorLine(string message)
    {
        Assert.DoesNotContain("Unhandled exception", message);
        Assert.DoesNotContain("   at ", message);
        Assert.Single(message.Split('\n'), line => line.StartsWith("broker: ", StringComparison.Ordinal));
    }
}
