namespace Broker.Core.Settings;

/// <summary>The <c>broker.http</c> section.</summary>
/// <param name="Host">The address Kestrel binds.</param>
/// <param name="Port">The TCP port (0 picks a free one).</param>
/// <param name="AllowedOrigins">Origins allowed to open WebSockets; empty allows every origin.</param>
/// <param name="EchoEndpoint">Whether <c>/echo</c> is served.</param>
/// <param name="ApiKey">Bearer key of the publish and history API; "" disables it.</param>
/// <param name="AdminKey">Bearer key of the admin API (stats, topics, nodes, user operations); "" leaves it open.</param>
/// <param name="Tls">The certificate of HTTPS/wss, or null for plain HTTP.</param>
/// <param name="PublishRate">Node-wide publishes per second through the HTTP API; null when <c>off</c> (unlimited).</param>
/// <param name="PublishBurst">Token bucket size of the HTTP publish rate.</param>
public sealed record HttpSettings(
    string Host,
    int Port,
    IReadOnlyList<string> AllowedOrigins,
    bool EchoEndpoint,
    string ApiKey,
    string AdminKey,
    TlsFiles? Tls,
    double? PublishRate,
    int PublishBurst)
{
    internal static HttpSettings Read(SettingsSection http) => new(
        http.NonEmptyString("host"),
        http.Int("port", 0, 65535),
        http.StringList("allowed-origins"),
        http.Switch("echo-endpoint"),
        http.String("api-key"),
        http.String("admin-key"),
        TlsFiles.Read(http.Section("tls")),
        http.OptionalDouble("publish-rate", double.Epsilon, 1e9),
        http.Int("publish-burst", 1, 1_000_000_000));
}
