using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote.Transport.DotNetty;
using Broker.Core.Settings;

namespace Broker.Server.Cluster;

/// <summary>
/// <c>broker.cluster.tls</c>: Akka.Remote's TCP transport wrapped in mutual TLS. Each node presents its certificate and
/// accepts a peer (inbound or outbound) only when the peer's certificate chains to <c>ca</c>, so a process without a
/// certificate from that CA cannot even complete the handshake, let alone join: the cluster's membership is "who holds
/// a certificate from this CA". Host names are not checked (nodes are reached by IP or container name; the CA is the
/// identity), and revocation is not checked (there is no CRL/OCSP on a private cluster CA; see docs/security.md).
/// </summary>
internal sealed class ClusterTls
{
    private const string Section = "broker.cluster.tls";
    private const string SeedNodesPath = "akka.cluster.seed-nodes";
    private const string PlainScheme = "akka.tcp://";
    // Akka.Remote names the transport "ssl.tcp" when enable-ssl is on, so every address (seeds included) changes scheme.
    private const string TlsScheme = "akka.ssl.tcp://";

    private readonly X509Certificate2 _certificate;
    private readonly X509Certificate2Collection _authorities;

    private ClusterTls(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        _certificate = certificate;
        _authorities = authorities;
    }

    /// <summary>
    /// Reads and checks <c>broker.cluster.tls</c>: null when it is off (all three keys ""); a
    /// <see cref="ConfigurationException"/> naming the key when a file is missing, unreadable, or the node's own
    /// certificate is not issued by <c>ca</c> (its peers would refuse it).
    /// </summary>
    public static ClusterTls? Create(Config config)
    {
        var tls = SettingsSection.Of(config, Section);
        var ca = tls.String("ca");
        var files = TlsFiles.Read(tls);
        if (files is null && ca.Length == 0)
            return null;
        if (files is null)
            throw tls.Invalid("certificate", "must be set too: a node needs its own certificate and key besides the trusted ca");
        if (ca.Length == 0)
            throw tls.Invalid("ca", "must be set too: the CA that issued the nodes' certificates decides who may join");
        var authorities = TlsFiles.ReadCertificates(tls, "ca", ca);
        var certificate = ReadCertificate(files);
        var own = Verify(certificate, authorities);
        if (own is not null)
            throw tls.BadValue("certificate", files.Certificate, $"not issued by the ca in {ca} ({own}), so no other node would accept it");
        return new ClusterTls(certificate, authorities);
    }

    /// <summary>
    /// <paramref name="config"/> with the transport's TLS on and every <c>akka.tcp://</c> seed rewritten to
    /// <c>akka.ssl.tcp://</c>, so <c>--seeds</c>, a <c>--config</c> file and the environment keep their usual form.
    /// </summary>
    public static Config EnableIn(Config config)
    {
        var settings = "akka.remote.dot-netty.tcp.enable-ssl = on\n";
        if (config.HasPath(SeedNodesPath))
        {
            var seeds = config.GetStringList(SeedNodesPath)
                .Select(s => s.StartsWith(PlainScheme, StringComparison.Ordinal) ? TlsScheme + s[PlainScheme.Length..] : s);
            settings += $"{SeedNodesPath} = [{string.Join(", ", seeds.Select(s => JsonSerializer.Serialize(s)))}]\n";
        }
        return ConfigurationFactory.ParseString(settings).WithFallback(config);
    }

    /// <summary>
    /// The transport's TLS: this node's certificate, a client certificate required from every inbound peer, and
    /// <see cref="IsClusterPeer"/> deciding on both sides instead of the system trust store.
    /// </summary>
    public DotNettySslSetup Setup() =>
        new(_certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false,
            customValidator: IsClusterPeer);

    private bool IsClusterPeer(X509Certificate2? certificate, X509Chain? chain, string remotePeer, SslPolicyErrors errors,
        ILoggingAdapter log)
    {
        // SslPolicyErrors reflect the system trust store, which does not hold the cluster CA: the decision is ours alone.
        var refused = certificate is null ? "it presented no certificate" : Verify(certificate, _authorities);
        if (refused is null)
            return true;
        log.Warning("Cluster TLS: refused {0}: {1} (broker.cluster.tls.ca)", remotePeer, refused);
        return false;
    }

    // Null when the certificate chains to one of the authorities, else why not.
    private static string? Verify(X509Certificate2 certificate, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.ExtraStore.AddRange(authorities); // intermediates listed in the ca file
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain.Build(certificate))
            return null;
        var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
        return $"certificate \"{certificate.Subject}\" does not chain to the cluster CA: {status}";
    }

    private static X509Certificate2 ReadCertificate(TlsFiles files)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(files.Certificate, files.Key);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException or IOException)
        {
            throw new ConfigurationException(
                $"{Section}: {files.Certificate} and {files.Key} are not a PEM certificate and its private key ({e.Message})");
        }
    }
}
