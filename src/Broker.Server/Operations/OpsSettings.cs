using AkkaConfig = Akka.Configuration.Config;
using ConfigurationException = Akka.Configuration.ConfigurationException;

namespace Broker.Server.Operations;

/// <summary>
/// The operator-facing settings of the host: <c>broker.metrics.port</c> (0 = /metrics on the main port) and
/// <c>broker.log.format</c> (text or json). Read at start: a bad value stops the node with exit code 2.
/// </summary>
internal sealed record OpsSettings(int MetricsPort, bool JsonLogs)
{
    public static OpsSettings Create(AkkaConfig config)
    {
        var port = config.GetInt(Required(config, "broker.metrics.port"));
        if (port is < 0 or > 65535)
            throw new ConfigurationException($"broker.metrics.port must be 0-65535, not {port}");
        var format = config.GetString(Required(config, "broker.log.format")).ToLowerInvariant();
        return format switch
        {
            "text" => new OpsSettings(port, JsonLogs: false),
            "json" => new OpsSettings(port, JsonLogs: true),
            _ => throw new ConfigurationException($"broker.log.format = \"{format}\": expected text or json"),
        };
    }

    private static string Required(AkkaConfig config, string path) =>
        config.HasPath(path) ? path : throw new ConfigurationException($"missing setting {path}");
}
