namespace Broker.Core.Settings;

/// <summary>The <c>broker.http</c> section.</summary>
public sealed record HttpSettings(
    string Host,
    int Port,
    IReadOnlyList<string> AllowedOrigins,
    bool EchoEndpoint,
    string ApiKey);
