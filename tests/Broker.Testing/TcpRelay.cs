using System.Net;
using System.Net.Sockets;

namespace Broker.Testing;

/// <summary>
/// A loopback TCP relay in front of a server, for tests that need a client's connection to drop while the server
/// keeps running (a flaky network): <see cref="CutAndHold"/> resets every relayed connection and refuses new ones until
/// <see cref="Resume"/>; <see cref="ResumeOnly"/> brings back one kind of connection before another. Real sockets both
/// ways; bytes pass through unchanged.
/// </summary>
public sealed class TcpRelay : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(Socket Client, Socket Server)> _pairs = [];
    private readonly Task _accepting;
    private bool _holding;
    private Func<ReadOnlyMemory<byte>, bool>? _admit;

    public TcpRelay(Uri server)
    {
        _target = new IPEndPoint(IPAddress.Loopback, server.Port);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _accepting = AcceptAsync();
    }

    /// <summary>The relay's own port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><paramref name="server"/> with the relay's port in place of the server's.</summary>
    public Uri Through(Uri server) => new UriBuilder(server) { Port = Port }.Uri;

    /// <summary>Connections relayed so far (a reconnect adds one).</summary>
    public int Accepted { get; private set; }

    /// <summary>Resets every relayed connection (both sides see a drop, not a close handshake) and refuses new ones.</summary>
    public void CutAndHold()
    {
        lock (_gate)
        {
            _holding = true;
            foreach (var (client, server) in _pairs)
            {
                Reset(client);
                Reset(server);
            }
            _pairs.Clear();
        }
    }

    /// <summary>Relays new connections again.</summary>
    public void Resume()
    {
        lock (_gate) (_holding, _admit) = (false, null);
    }

    /// <summary>
    /// Relays only new connections whose first bytes from the client <paramref name="admit"/> accepts and resets the
    /// others, until <see cref="Resume"/>: e.g. a Redis client's subscriber connection before its command connection.
    /// </summary>
    public void ResumeOnly(Func<ReadOnlyMemory<byte>, bool> admit)
    {
        lock (_gate) (_holding, _admit) = (false, admit);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        CutAndHold();
        try
        {
            await _accepting;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        bool holding;
        Func<ReadOnlyMemory<byte>, bool>? admit;
        lock (_gate) (holding, admit) = (_holding, _admit);
        var first = Memory<byte>.Empty;
        if (admit is not null && !holding)
        {
            var buffer = new byte[16 * 1024];
            try
            {
                first = buffer.AsMemory(0, await client.ReceiveAsync(buffer, SocketFlags.None, _stop.Token));
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
            holding = first.IsEmpty || !admit(first);
        }
        if (holding)
        {
            Reset(client); // the client sees the connection refused (reset), as while a network is down
            return;
        }
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await server.ConnectAsync(_target, _stop.Token);
            if (!first.IsEmpty) await server.SendAsync(first, SocketFlags.None, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            Reset(client);
            server.Dispose();
            return;
        }
        client.NoDelay = true;
        lock (_gate)
        {
            if (_holding) // cut while this one was connecting
            {
                Reset(client);
                Reset(server);
                return;
            }
            _pairs.Add((client, server));
            Accepted++;
        }
        _ = PumpAsync(client, server);
        _ = PumpAsync(server, client);
    }

    private static async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }
                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None);
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Reset(to);
        }
    }

    // Linger 0: close sends RST, so the peer sees a dropped connection rather than an orderly end.
    private static void Reset(Socket socket)
    {
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
