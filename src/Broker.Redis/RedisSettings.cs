using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Configuration;
using Broker.Core.Settings;
using StackExchange.Redis;

namespace Broker.Redis;

/// <summary>The <c>broker.redis</c> section of the HOCON config, read once. Every key has its default in hocon/broker.hocon.</summary>
/// <param name="TlsCa">PEM file of the CA that issued Redis's certificate; "" = the system trust store.</param>
/// <param name="TlsCertificate">PEM client certificate for a Redis that requires one (tls-auth-clients); "" = none.</param>
/// <param name="TlsKey">PEM private key of <paramref name="TlsCertificate"/>.</param>
public sealed record RedisSettings(
    string Endpoint,
    string Password,
    bool Tls,
    string KeyPrefix,
    TimeSpan ConnectTimeout,
    TimeSpan OperationTimeout,
    TimeSpan ReconnectBackoff,
    TimeSpan ReconnectMaxBackoff,
    string TlsCa = "",
    string TlsCertificate = "",
    string TlsKey = "")
{
    /// <summary>How long a presence entry lives without its node's refresh (<c>presence-ttl</c>); refreshed every third of it.</summary>
    public TimeSpan PresenceTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Reads <c>broker.redis</c> from the node's whole config; a missing key is an error, not a hidden default.</summary>
    public static RedisSettings Create(Config config)
    {
        var redis = SettingsSection.Of(config, "broker.redis");
        var backoff = redis.Duration("reconnect-backoff");
        var maxBackoff = redis.Duration("reconnect-max-backoff");
        var presenceTtl = redis.Duration("presence-ttl");
        if (presenceTtl < TimeSpan.FromSeconds(1) || presenceTtl > TimeSpan.FromMinutes(10))
            throw redis.Invalid("presence-ttl", "must be 1s-10m");
        if (maxBackoff < backoff)
            throw redis.Invalid("reconnect-max-backoff", "must not be shorter than reconnect-backoff");
        var tls = redis.Switch("tls");
        var (ca, certificate, key) = ReadTlsFiles(redis, tls);
        return new RedisSettings(
            Endpoint: redis.NonEmptyString("endpoint"),
            Password: redis.String("password"),
            Tls: tls,
            KeyPrefix: redis.String("key-prefix"),
            ConnectTimeout: redis.Duration("connect-timeout"),
            OperationTimeout: redis.Duration("operation-timeout"),
            ReconnectBackoff: backoff,
            ReconnectMaxBackoff: maxBackoff,
            TlsCa: ca,
            TlsCertificate: certificate,
            TlsKey: key)
        {
            PresenceTtl = presenceTtl,
        };
    }

    /// <summary>
    /// What every connection to this Redis shares (the backplane's and the lease's): endpoint, password, TLS, and
    /// starting while Redis is down (AbortOnConnectFail = false) with commands failing at once instead of queueing.
    /// </summary>
    public ConfigurationOptions ConnectionOptions(string clientName)
    {
        var options = ConfigurationOptions.Parse(Endpoint);
        options.Password = Password.Length == 0 ? null : Password;
        options.Ssl = Tls;
        if (TlsCa.Length > 0)
            options.TrustIssuer(TlsCa);
        if (TlsCertificate.Length > 0)
            options.SetUserPemCertificate(TlsCertificate, TlsKey);
        options.AbortOnConnectFail = false;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ConnectTimeout = Milliseconds(ConnectTimeout);
        options.ReconnectRetryPolicy = new ExponentialRetry(Milliseconds(ReconnectBackoff), Milliseconds(ReconnectMaxBackoff));
        options.ClientName = clientName;
        return options;
    }

    // A duration as the int milliseconds StackExchange.Redis takes, capped rather than overflowing.
    private static int Milliseconds(TimeSpan span) => (int)Math.Min(int.MaxValue, span.TotalMilliseconds);

    // The TLS files are read here, so a bad one stops the node at start with its key, not at the first connect.
    private static (string Ca, string Certificate, string Key) ReadTlsFiles(SettingsSection redis, bool tls)
    {
        var ca = TlsFile(redis, "tls-ca", tls);
        var certificate = TlsFile(redis, "tls-certificate", tls);
        var key = TlsFile(redis, "tls-key", tls);
        if ((certificate.Length == 0) != (key.Length == 0))
            throw redis.Invalid(certificate.Length == 0 ? "tls-certificate" : "tls-key", "must be set too: a client certificate needs its key");
        if (ca.Length > 0)
            _ = TlsFiles.ReadCertificates(redis, "tls-ca", ca);
        try
        {
            if (certificate.Length > 0)
                X509Certificate2.CreateFromPemFile(certificate, key).Dispose();
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw redis.BadValue("tls-certificate", certificate, $"not a PEM certificate with the private key in {key} ({e.Message})");
        }
        return (ca, certificate, key);
    }

    private static string TlsFile(SettingsSection redis, string key, bool tls)
    {
        var path = redis.String(key);
        if (path.Length == 0)
            return path;
        if (!tls)
            throw redis.Invalid(key, "needs broker.redis.tls = on");
        return File.Exists(path) ? path : throw redis.BadValue(key, path, "no such file");
    }
}
