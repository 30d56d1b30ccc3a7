namespace Broker.Server.PubSub;

/// <summary>Akka.Hosting registry key of the node's topic registry actor (<c>IRequiredActor&lt;TopicRegistryKey&gt;</c>).</summary>
internal sealed class TopicRegistryKey;
