using System.Runtime.InteropServices;
using System.Security.Cryptography.X509Certificates;
using Broker.Core.Settings;

namespace Broker.Server.Auth;

/// <summary>
/// The certificate of <c>broker.http.tls</c>, loaded from PEM at start (a bad file stops the node) and re-read when
/// either file changes or the process gets SIGHUP. Kestrel asks for the certificate on each TLS handshake, so a renewed
/// certificate applies to new connections while open ones keep theirs. A reload that fails keeps the current one.
/// </summary>
internal sealed class CertificateReloader : IDisposable
{
    private readonly TlsFiles _files;
    private readonly ILogger _logger;
    private readonly FileSystemWatcher[] _watchers;
    private readonly PosixSignalRegistration? _sighup;
    private volatile X509Certificate2 _current;

    public CertificateReloader(TlsFiles files, ILogger logger)
    {
        _files = files;
        _logger = logger;
        _current = Load(files);
        _watchers = new[] { files.Certificate, files.Key }
            .Select(Path.GetFullPath)
            .GroupBy(Path.GetDirectoryName)
            .Select(dir => Watch(dir.Key!))
            .ToArray();
        _sighup = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
        {
            context.Cancel = true; // SIGHUP reloads; it does not end the process
            Reload();
        });
    }

    /// <summary>The certificate for the next handshake.</summary>
    public X509Certificate2 Current => _current;

    /// <summary>Loads the PEM pair; throws with the file names when they do not hold a certificate and its key.</summary>
    public static X509Certificate2 Load(TlsFiles files)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(files.Certificate, files.Key);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException or IOException)
        {
            throw new Akka.Configuration.ConfigurationException(
                $"broker.http.tls: {files.Certificate} and {files.Key} are not a PEM certificate and its private key ({e.Message})");
        }
    }

    private FileSystemWatcher Watch(string directory)
    {
        // The directory, not the files: renewals often replace a file (or a symlink) rather than write into it.
        var watcher = new FileSystemWatcher(directory) { NotifyFilter = NotifyFilters.LastWrite | NotifyFilters.FileName | NotifyFilters.CreationTime };
        watcher.Changed += (_, _) => Reload();
        watcher.Created += (_, _) => Reload();
        watcher.Renamed += (_, _) => Reload();
        watcher.EnableRaisingEvents = true;
        return watcher;
    }

    private void Reload()
    {
        try
        {
            var next = Load(_files);
            if (next.Thumbprint == _current.Thumbprint)
                return;
            _current = next;
            Log.CertificateReloaded(_logger, next.Subject, next.NotAfter);
        }
        catch (Akka.Configuration.ConfigurationException e)
        {
            // A renewal caught half-written reads as invalid: keep serving the current certificate.
            Log.CertificateReloadFailed(_logger, e.Message);
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers)
            watcher.Dispose();
        _sighup?.Dispose();
    }
}
