namespace Broker.Testing;

/// <summary>
/// TLS for a <see cref="RedisServerProcess"/>: its PEM certificate and key, the CA it trusts for client certificates,
/// and whether it requires one (redis.conf tls-auth-clients).
/// </summary>
public sealed record RedisTls(string Certificate, string Key, string Ca, bool RequireClientCertificate);
