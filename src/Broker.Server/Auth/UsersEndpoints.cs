using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Broker.Core.Auth;
using Broker.Protocol.Client;
using Broker.Server.Api;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Server.Auth;

/// <summary>
/// The admin API's user operations (docs/http-api.md, docs/security.md), cluster-wide through the nodes' own actors:
/// the command goes to the <see cref="UserDirectory"/> of every Up member (its own included), which forwards it to that
/// user's connections on its node. Answered 202: delivery is one message per node, not awaited.
/// <list type="bullet">
/// <item><c>POST /api/users/{user}/disconnect</c>: closes each of the user's connections with 4006.</item>
/// <item><c>POST /api/users/{user}/unsubscribe</c> with <c>{"topic":"KEY"}</c>: removes that subscription (the key as the
/// client subscribed it) from each of the user's connections, which receive <c>{"type":"unsubscribed","topic":..}</c>.</item>
/// </list>
/// </summary>
internal static class UsersEndpoints
{
    public static void MapUsers(this WebApplication app)
    {
        app.MapPost("/api/users/{user}/disconnect", (string user, ActorSystem system) =>
        {
            Broadcast(system, new UserDirectory.DisconnectUser(user));
            return Results.Accepted();
        });
        app.MapPost("/api/users/{user}/unsubscribe", async (string user, HttpContext context, ActorSystem system) =>
        {
            var topic = await ReadTopicAsync(context);
            if (topic is null || TopicName.Validate(topic, allowWildcards: true) is not null)
            {
                await ApiResults.ErrorAsync(context, StatusCodes.Status400BadRequest, ClientError.BadTopic,
                    "the body must be {\"topic\":\"KEY\"} with a valid topic or pattern");
                return;
            }
            Broadcast(system, new UserDirectory.UnsubscribeUser(user, topic));
            context.Response.StatusCode = StatusCodes.Status202Accepted;
        });
    }

    private static void Broadcast(ActorSystem system, object command)
    {
        if (((ExtendedActorSystem)system).Provider is not ClusterActorRefProvider)
        {
            system.ActorSelection(UserDirectory.Path).Tell(command);
            return;
        }
        foreach (var member in AkkaCluster.Get(system).State.Members.Where(m => m.Status == MemberStatus.Up))
            system.ActorSelection(new RootActorPath(member.Address) / "user" / UserDirectory.Name).Tell(command);
    }

    private static async Task<string?> ReadTopicAsync(HttpContext context)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted);
            return body.RootElement.ValueKind == JsonValueKind.Object
                   && body.RootElement.TryGetProperty("topic", out var topic) && topic.ValueKind == JsonValueKind.String
                ? topic.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
