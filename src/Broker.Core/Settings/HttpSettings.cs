namespace Broker.Core.Settings;

/// <summary>The <c>broker.http</c> section. <see cref="PublishRate"/> is null when <c>off</c> (unlimited).</summary>
public sealed record HttpSettings(
    string Host,
    int Port,
    IReadOnlyList<string> AllowedOrigins,
    bool EchoEndpoint,
    string ApiKey,
    double? PublishRate,
    int PublishBurst);
