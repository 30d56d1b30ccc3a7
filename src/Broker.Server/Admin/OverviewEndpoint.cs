using System.Text.Json;
using Akka.Actor;
using Akka.Cluster;
using Broker.Server.Api;
using AkkaCluster = Akka.Cluster.Cluster;

namespace Broker.Server.Admin;

/// <summary>
/// <c>GET /api/admin/overview</c> (docs/admin.md): the whole cluster for the admin page, behind the admin key
/// (<see cref="Auth.AdminKeyMiddleware"/>: 401 without it, 403 while no key is set). The answering node lists the
/// members it knows and asks every reachable one's <see cref="NodeStatsActor"/> over Akka remoting, all at once and each
/// bounded by <see cref="AskTimeout"/>: a node that does not answer in time is listed with <c>answered: false</c>, so
/// the request never hangs on a sick node. Members that left recently are listed with status <c>Removed</c>.
/// </summary>
internal static class OverviewEndpoint
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    public static void MapAdminOverview(this WebApplication app) =>
        app.MapGet("/api/admin/overview", (HttpContext context, ActorSystem system) => WriteAsync(context, system));

    private static async Task WriteAsync(HttpContext context, ActorSystem system)
    {
        var local = system.ActorSelection($"/user/{NodeStatsActor.Name}");
        var clustered = ((ExtendedActorSystem)system).Provider is ClusterActorRefProvider;
        var members = clustered ? ClusterMembers(system) : [new Member(((ExtendedActorSystem)system).Provider.DefaultAddress, "Up", true, true)];
        var answers = await Task.WhenAll(members.Select(m => AskAsync(system, m, context.RequestAborted)));
        var departed = clustered
            ? (await local.Ask<NodeStatsActor.Departed>(NodeStatsActor.GetDeparted.Instance, AskTimeout, context.RequestAborted)).Members
            : new Dictionary<string, long>();

        await ApiResults.JsonAsync(context, StatusCodes.Status200OK, json =>
        {
            json.WriteStartObject();
            json.WriteString("mode"u8, clustered ? "cluster" : "single");
            json.WriteString("self"u8, members.FirstOrDefault(m => m.Self)?.Address.ToString());
            json.WriteNumber("generatedAt"u8, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            json.WriteStartArray("nodes"u8);
            for (var i = 0; i < members.Count; i++)
            {
                var member = members[i];
                json.WriteStartObject();
                json.WriteString("address"u8, member.Address.ToString());
                json.WriteString("status"u8, member.Status);
                json.WriteBoolean("reachable"u8, member.Reachable);
                json.WriteBoolean("self"u8, member.Self);
                json.WriteBoolean("answered"u8, answers[i] is not null);
                json.WritePropertyName("stats"u8);
                if (answers[i] is { } stats)
                    json.WriteRawValue(stats, skipInputValidation: true); // the node's own Utf8JsonWriter output
                else
                    json.WriteNullValue();
                json.WriteEndObject();
            }
            foreach (var (address, at) in departed.Where(d => members.All(m => m.Address.ToString() != d.Key)))
            {
                json.WriteStartObject();
                json.WriteString("address"u8, address);
                json.WriteString("status"u8, nameof(MemberStatus.Removed));
                json.WriteBoolean("reachable"u8, false);
                json.WriteBoolean("self"u8, false);
                json.WriteBoolean("answered"u8, false);
                json.WriteNumber("removedAt"u8, at);
                json.WriteNull("stats"u8);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        });
    }

    private static List<Member> ClusterMembers(ActorSystem system)
    {
        var cluster = AkkaCluster.Get(system);
        var state = cluster.State;
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        return state.Members
            .OrderBy(m => m.Address.ToString(), StringComparer.Ordinal)
            .Select(m => new Member(m.Address, m.Status.ToString(), !unreachable.Contains(m.UniqueAddress),
                m.UniqueAddress.Equals(cluster.SelfUniqueAddress)))
            .ToList();
    }

    // Null when the member is unreachable, not up yet, or does not answer within AskTimeout.
    private static async Task<string?> AskAsync(ActorSystem system, Member member, CancellationToken cancel)
    {
        if (!member.Reachable)
            return null;
        var path = member.Self ? $"/user/{NodeStatsActor.Name}" : $"{member.Address}/user/{NodeStatsActor.Name}";
        try
        {
            return await system.ActorSelection(path).Ask<string>(NodeStatsActor.Request, AskTimeout, cancel);
        }
        catch (Exception e) when (e is AskTimeoutException or ActorNotFoundException or OperationCanceledException or JsonException)
        {
            return null;
        }
    }

    private sealed record Member(Address Address, string Status, bool Reachable, bool Self);
}
