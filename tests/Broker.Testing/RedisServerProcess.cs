using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace Broker.Testing;

/// <summary>
/// A real redis-server on a free loopback port, with an append-only file fsynced on every write in its own temp dir,
/// so <see cref="Restart"/> after <see cref="Kill"/> keeps every key (topic offsets and history survive).
/// Each instance is independent, so parallel test classes each get their own server.
/// </summary>
public sealed class RedisServerProcess : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private const int PortAttempts = 5;

    private readonly string _dir;
    private readonly string? _password;
    private readonly RedisTls? _tls;
    private Process? _process;

    private RedisServerProcess(string dir, int port, Process process, string? password, RedisTls? tls)
    {
        _dir = dir;
        _password = password;
        _tls = tls;
        Port = port;
        _process = process;
    }

    public int Port { get; }

    /// <summary>host:port, as StackExchange.Redis and broker.redis.endpoint take it.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>The OS process id of the running server, or null while it is killed.</summary>
    public int? ProcessId => _process?.Id;

    /// <summary>
    /// Starts a server on a fresh free port; retries with another port when the chosen one was taken meanwhile. With
    /// <paramref name="password"/> the server runs with <c>requirepass</c>; with <paramref name="tls"/> the port speaks
    /// TLS only (<c>--tls-port</c>, plain <c>--port 0</c>).
    /// </summary>
    public static RedisServerProcess Start(string? password = null, RedisTls? tls = null)
    {
        var dir = Directory.CreateTempSubdirectory("broker-redis-").FullName;
        Exception? last = null;
        for (var attempt = 0; attempt < PortAttempts; attempt++)
        {
            var port = FreePort.Next();
            try
            {
                return new RedisServerProcess(dir, port, Launch(dir, port, password, tls), password, tls);
            }
            catch (RedisStartException e)
            {
                last = e;
            }
        }
        Directory.Delete(dir, recursive: true);
        throw new InvalidOperationException($"redis-server did not start after {PortAttempts} ports", last);
    }

    /// <summary>SIGKILL: no shutdown, no final save; what survives is what the AOF already holds.</summary>
    public void Kill()
    {
        var process = _process;
        _process = null;
        if (process is null) return;
        try
        {
            process.Kill();
            process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        process.Dispose();
    }

    /// <summary>Kills the server if it runs and starts it again on the SAME port and data dir (clients reconnect to it).</summary>
    public void Restart()
    {
        Kill();
        // The port can stay briefly unavailable after a kill; retry on the same port until the start deadline.
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                _process = Launch(_dir, Port, _password, _tls);
                return;
            }
            catch (RedisStartException) when (deadline.Elapsed < StartTimeout)
            {
            }
        }
    }

    /// <summary>Kills the server, deletes its data (the AOF) and starts it again empty on the same port: a Redis that lost everything.</summary>
    public void RestartEmpty()
    {
        Kill();
        foreach (var entry in new DirectoryInfo(_dir).EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo directory) directory.Delete(recursive: true);
            else entry.Delete();
        }
        Restart();
    }

    public void Dispose()
    {
        Kill();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // A temp dir left behind is harmless.
        }
    }

    private static Process Launch(string dir, int port, string? password, RedisTls? tls)
    {
        var info = new ProcessStartInfo(RedisServerPath())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] listen = tls is null
            ? ["--port", port.ToString()]
            : ["--port", "0", "--tls-port", port.ToString(), "--tls-cert-file", tls.Certificate, "--tls-key-file", tls.Key,
               "--tls-ca-cert-file", tls.Ca, "--tls-auth-clients", tls.RequireClientCertificate ? "yes" : "no"];
        foreach (var arg in (string[])[.. listen,
                     "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes",
                     "--appendfsync", "always", "--dir", dir, "--protected-mode", "no"])
        {
            info.ArgumentList.Add(arg);
        }
        if (password is not null)
        {
            info.ArgumentList.Add("--requirepass");
            info.ArgumentList.Add(password);
        }

        var process = Process.Start(info) ?? throw new RedisStartException("redis-server did not start");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < StartTimeout)
        {
            if (process.HasExited)
            {
                process.Dispose();
                string log;
                lock (output) log = output.ToString();
                throw new RedisStartException($"redis-server on port {port} exited: {log}");
            }
            if (Answers(port, process.Id, password, tls)) return process;
            process.WaitForExit(TimeSpan.FromMilliseconds(50)); // returns early when it dies
        }
        process.Kill();
        process.Dispose();
        throw new RedisStartException($"redis-server on port {port} did not answer PING within {StartTimeout}");
    }

    // Asks INFO rather than PING so the answer proves it is OUR process on the port, not a parallel test's server
    // that won the race for the same free port (ours then exits with "address in use").
    private static bool Answers(int port, int processId, string? password, RedisTls? tls)
    {
        try
        {
            using var client = new TcpClient();
            client.ReceiveTimeout = 1000;
            client.SendTimeout = 1000;
            client.Connect(new IPEndPoint(IPAddress.Loopback, port));
            using Stream stream = tls is null ? client.GetStream() : Handshake(client.GetStream(), tls);
            if (password is not null)
                stream.Write(Encoding.ASCII.GetBytes($"AUTH {password}\r\n"));
            stream.Write("INFO server\r\n"u8);
            var reply = new StringBuilder();
            var buffer = new byte[4096];
            while (!reply.ToString().Contains("\r\nexecutable:", StringComparison.Ordinal))
            {
                var read = stream.Read(buffer);
                if (read == 0) return false;
                reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
                if (reply[0] == '-') return false; // e.g. LOADING: not ready yet
            }
            return reply.ToString().Contains($"\r\nprocess_id:{processId}\r\n", StringComparison.Ordinal);
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }

    // The readiness probe only asks which process answers (INFO's process_id), so it trusts any server certificate and
    // presents the server's own certificate as its client certificate when the server requires one.
    private static SslStream Handshake(Stream stream, RedisTls tls)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        var options = new SslClientAuthenticationOptions { TargetHost = "localhost" };
        if (tls.RequireClientCertificate)
            options.ClientCertificates = [System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(tls.Certificate, tls.Key)];
        ssl.AuthenticateAsClient(options);
        return ssl;
    }

    private static string RedisServerPath()
    {
        const string installed = "/usr/bin/redis-server";
        if (File.Exists(installed)) return installed;
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(Path.PathSeparator)
                   .Select(p => Path.Combine(p, "redis-server"))
                   .FirstOrDefault(File.Exists)
               ?? throw new InvalidOperationException("redis-server is not installed (./build.sh test installs it)");
    }

    private sealed class RedisStartException(string message) : Exception(message);
}
