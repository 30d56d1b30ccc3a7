using Akka.Actor;
using Broker.Core.Settings;
using Broker.Core.Shards;

namespace Broker.Core.Connections;

/// <summary>
/// Parent of every connection actor on the node. Supervises them with a stopping strategy (a restart would reset codec
/// state under a live socket; a stopped connection closes its socket with 1011 and affects no other), and drives the
/// heartbeat of all of them from one timer. Each connection goes to the next shard (round-robin) and runs on its dispatcher.
/// </summary>
public sealed class ConnectionSupervisorActor : ReceiveActor, IWithTimers
{
    private readonly WebSocketSettings _settings;
    private Protocol.CloseStatus? _closingAll;

    /// <summary>
    /// Creates the supervisor; <paramref name="settings"/> gives the heartbeat periods; on each heartbeat it enforces
    /// <paramref name="outbound"/> (the node's outbound budget), when given.
    /// </summary>
    public ConnectionSupervisorActor(WebSocketSettings settings, ShardSet shards, OutboundBudget? outbound = null)
    {
        _settings = settings;
        Receive<ConnectionSupervisor.Open>(open =>
        {
            var connection = Context.ActorOf(Connection.Props(open.Setup, shards.Next()));
            // A handshake that passed the endpoint's stopping check just before shutdown began arrives after CloseAll:
            // this mailbox orders the two, so it is closed like the others instead of outliving the drain.
            if (_closingAll is { } status)
                connection.Tell(new Connection.Close(status));
        });
        Receive<ConnectionSupervisor.CloseAll>(close =>
        {
            _closingAll = close.Status;
            foreach (var child in Context.GetChildren())
                child.Tell(new Connection.Close(close.Status));
        });
        Receive<Connection.HeartbeatTick>(tick =>
        {
            outbound?.Enforce();
            foreach (var child in Context.GetChildren())
                child.Tell(tick);
        });
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Props for the supervisor.</summary>
    public static Props Props(WebSocketSettings settings, ShardSet shards, OutboundBudget? outbound = null) =>
        Akka.Actor.Props.Create(() => new ConnectionSupervisorActor(settings, shards, outbound));

    /// <inheritdoc />
    protected override void PreStart()
    {
        // Ticking at a quarter of the shorter period keeps ping and idle checks within 25% of their settings.
        var shortest = _settings.PingInterval is { } ping && ping < _settings.IdleTimeout ? ping : _settings.IdleTimeout;
        var tick = TimeSpan.FromTicks(Math.Max(shortest.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks));
        Timers.StartPeriodicTimer("heartbeat", Connection.HeartbeatTick.Instance, tick);
    }

    /// <inheritdoc />
    protected override SupervisorStrategy SupervisorStrategy() => Akka.Actor.SupervisorStrategy.StoppingStrategy;
}
