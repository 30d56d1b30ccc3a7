using System.Net;
using System.Net.Sockets;
using Broker.Testing;

namespace Broker.Redis.Tests;

public sealed class RedisServerProcessTests
{
    [Fact]
    public void Start_InParallel_GivesEachServerItsOwnPortAndProcess()
    {
        var servers = Enumerable.Range(0, 4).AsParallel().Select(_ => RedisServerProcess.Start()).ToArray();
        try
        {
            Assert.Equal(4, servers.Select(s => s.Port).Distinct().Count());
            Assert.Equal(4, servers.Select(s => s.ProcessId).Distinct().Count());
        }
        finally
        {
            foreach (var server in servers) server.Dispose();
        }
    }

    [Fact]
    public void Kill_ThenRestart_StopsListeningThenServesTheSamePortAgain()
    {
        using var server = RedisServerProcess.Start();
        var port = server.Port;

        server.Kill();
        Assert.Null(server.ProcessId);
        Assert.False(Accepts(port));

        server.Restart();
        Assert.Equal(port, server.Port);
        Assert.True(Accepts(port));
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(new IPEndPoint(IPAddress.Loopback, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
