using AkkaConfig = Akka.Configuration.Config;
using Broker.Core.Settings;

namespace Broker.Server.Operations;

/// <summary>
/// The operator-facing settings of the host: <c>broker.metrics.port</c> (0 = /metrics on the main port) and
/// <c>broker.log.format</c> (text or json). Read at start: a bad value stops the node with exit code 2.
/// </summary>
internal sealed record OpsSettings(int MetricsPort, bool JsonLogs)
{
    public static OpsSettings Create(AkkaConfig config) => new(
        SettingsSection.Of(config, "broker.metrics").Int("port", 0, 65535),
        SettingsSection.Of(config, "broker.log").Choice("format", "text", "json") == "json");
}
