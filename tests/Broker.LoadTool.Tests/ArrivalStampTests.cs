using System.Net;
using System.Net.Sockets;
using Broker.Sockets;
using Broker.Testing;

namespace Broker.LoadTool.Tests;

/// <summary>The kernel's receive stamps the tool's arrival latency is built on (Broker.Sockets, Linux).</summary>
public sealed class ArrivalStampTests
{
    [Fact]
    public async Task ReceiveStamped_DataWaitingInTheSocket_StampedBeforeItWasRead()
    {
        if (!OperatingSystem.IsLinux())
            return; // SO_TIMESTAMPNS and recvmsg as used here are Linux's
        using var pair = StampedPair.Open();
        var (receiver, sender) = (pair.Receiver, pair.Sender);
        await StampingOnAsync(pair);

        var sentNs = WallClockNs();
        sender.Send("hello"u8);
        await Eventually.TrueAsync(() => receiver.Available == 5, TimeSpan.FromSeconds(10), "the bytes arrived");
        var readNs = WallClockNs();
        var buffer = new byte[16];
        var read = NativeSocket.ReceiveStamped(receiver, buffer, out var arrivedNs, out var error);

        Assert.Equal((SocketError.Success, 5), (error, read));
        Assert.Equal("hello"u8.ToArray(), buffer[..5]);
        // DateTime's 100 ns ticks round the two readings down: a tick of slack on the early side.
        Assert.InRange(arrivedNs, sentNs - 100, readNs + 100);
    }

    [Fact]
    public void ReceiveStamped_NothingWaiting_WouldBlock()
    {
        if (!OperatingSystem.IsLinux())
            return;
        using var pair = StampedPair.Open();

        var read = NativeSocket.ReceiveStamped(pair.Receiver, new byte[16], out var arrivedNs, out var error);

        Assert.Equal((SocketError.WouldBlock, -1, 0L), (error, read, arrivedNs));
    }

    // The kernel turns receive stamping on for the system asynchronously after the first socket asks (a deferred static
    // key): until then segments arrive unstamped (ReceiveStamped gave 0 in 1 of 9 runs here). Bytes go through until
    // one comes back with a usable stamp.
    private static async Task StampingOnAsync(StampedPair pair)
    {
        var buffer = new byte[1];
        await Eventually.TrueAsync(async () =>
        {
            pair.Sender.Send("x"u8);
            await Eventually.TrueAsync(() => pair.Receiver.Available > 0, TimeSpan.FromSeconds(10), "a byte arrived");
            NativeSocket.ReceiveStamped(pair.Receiver, buffer, out var arrivedNs, out _);
            return ArrivalClock.TryToStopwatch(arrivedNs, out _);
        }, TimeSpan.FromSeconds(10), "receive stamping on");
    }

    private static long WallClockNs() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;

    // A loopback connection whose receiving end asks for arrival stamps.
    private sealed record StampedPair(Socket Receiver, Socket Sender) : IDisposable
    {
        public static StampedPair Open()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            receiver.Connect(listener.LocalEndPoint!);
            NativeSocket.StampArrivals(receiver);
            return new StampedPair(receiver, listener.Accept());
        }

        public void Dispose()
        {
            Receiver.Dispose();
            Sender.Dispose();
        }
    }
}
