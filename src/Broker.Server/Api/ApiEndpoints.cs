using Akka.Actor;
using Akka.Hosting;
using Broker.Core.Backplane;
using Broker.Core.Connections;
using Broker.Core.PubSub;
using Broker.Core.Settings;
using Broker.Core.Topics;
using Broker.Server.PubSub;

namespace Broker.Server.Api;

/// <summary>The HTTP API on the node's port (docs/http-api.md): publish, history, topics, stats.</summary>
internal static class ApiEndpoints
{
    // Bounds the wait for the registry's topic list; it answers from memory, so only an overloaded node comes close.
    private static readonly TimeSpan TopicsTimeout = TimeSpan.FromSeconds(5);

    public static void MapBrokerApi(this WebApplication app, BrokerSettings settings)
    {
        var services = app.Services;
        var counters = services.GetRequiredService<ConnectionCounters>();
        var apiKey = new ApiKey(settings.Http.ApiKey);
        var backplane = services.GetRequiredService<IBackplane>();
        var pubSubSettings = services.GetRequiredService<PubSubSettings>();
        var publish = new PublishEndpoint(apiKey, new Publisher(backplane, pubSubSettings, counters.Traffic), pubSubSettings,
            new PublishRateLimit(settings.Http.PublishRate, settings.Http.PublishBurst));
        var registry = services.GetRequiredService<IRequiredActor<TopicRegistryKey>>();

        var history = new HistoryEndpoint(apiKey, backplane, settings.Namespaces);

        app.MapPost("/api/publish", publish.HandleAsync);
        app.MapGet("/api/history", history.HandleAsync);
        app.MapGet("/api/topics", context => TopicsAsync(context, registry));
        app.MapGet("/api/stats", context => StatsAsync(context, counters));
    }

    private static async Task TopicsAsync(HttpContext context, IRequiredActor<TopicRegistryKey> registry)
    {
        var list = await registry.ActorRef.Ask<TopicRegistry.TopicList>(TopicRegistry.GetTopics.Instance, TopicsTimeout,
            context.RequestAborted);
        await ApiResults.JsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteStartArray("topics"u8);
            foreach (var topic in list.Topics)
            {
                writer.WriteStartObject();
                writer.WriteString("topic"u8, topic.Key);
                writer.WriteNumber("subscribers"u8, topic.Subscribers);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        });
    }

    private static Task StatsAsync(HttpContext context, ConnectionCounters counters)
    {
        var traffic = counters.Traffic;
        var deliveries = traffic.Deliveries.Value;
        var replies = traffic.RepliesOut.Value;
        return ApiResults.JsonAsync(context, StatusCodes.Status200OK, writer =>
        {
            writer.WriteStartObject();
            writer.WriteNumber("connections"u8, counters.Open);
            writer.WriteNumber("messagesIn"u8, traffic.MessagesIn.Value);
            writer.WriteNumber("messagesOut"u8, deliveries + replies);
            writer.WriteNumber("deliveries"u8, deliveries);
            writer.WriteNumber("replies"u8, replies);
            writer.WriteNumber("drops"u8, traffic.Drops.Value);
            writer.WriteNumber("publishes"u8, traffic.Publishes.Value);
            writer.WriteNumber("publishFailures"u8, traffic.PublishFailures.Value);
            writer.WriteNumber("slowConsumerDisconnects"u8, counters.SlowConsumers);
            writer.WriteNumber("heartbeatTimeouts"u8, counters.HeartbeatTimeouts);
            writer.WriteNumber("protocolErrors"u8, counters.ProtocolErrors);
            writer.WriteEndObject();
        });
    }
}
