using Broker.Core.Auth;
using Broker.Core.Connections;
using Broker.Protocol.Client;
using Broker.Protocol.Framing;

namespace Broker.Core.PubSub;

// Authentication and permissions (docs/security.md): connect/refresh go to ConnectionAuth; every other command is
// admitted only once the connection may act (anonymous allowed, or connected), and a subscribe or publish that the
// topic's namespace does not allow gets error forbidden while the connection stays open. The server API's user
// operations arrive as actor messages from the node's UserDirectory.
public sealed partial class PubSubHandler
{
    private readonly ConnectionAuth? _auth;

    /// <summary>This connection's authentication (client id, user, rules); null when the handler runs without auth.</summary>
    public ConnectionAuth? Auth => _auth;

    /// <inheritdoc />
    public void OnOpen(IConnectionContext connection) => _auth?.Start(connection);

    /// <inheritdoc />
    public void OnHeartbeat(IConnectionContext connection) => _auth?.OnTick(connection);

    // True when the command should run; otherwise it was answered (or the connection is closing).
    private bool Authorize(IConnectionContext connection, in ClientCommand command)
    {
        if (command.Type is ClientCommandType.Connect or ClientCommandType.Refresh)
        {
            Authenticate(connection, in command);
            return false;
        }
        if (_auth is null)
            return true;
        if (!_auth.Admit(connection))
            return false;
        var allowed = command.Type switch
        {
            // Who is in a room is visible to whoever may be in it.
            ClientCommandType.Subscribe or ClientCommandType.Presence or ClientCommandType.PresenceStats =>
                _auth.Access.CanSubscribe(command.Topic!),
            ClientCommandType.Publish => _auth.Access.CanPublish(command.Topic!),
            _ => true,
        };
        if (!allowed)
            Reject(connection, command.Id, ClientError.Forbidden,
                $"{command.Type switch
                {
                    ClientCommandType.Publish => "publishing on",
                    ClientCommandType.Subscribe => "subscribing to",
                    _ => "reading the presence of",
                }} {command.Topic} is not allowed");
        return allowed;
    }

    // Its own method: the reply lambda captures the connection, and a closure over a parameter is allocated on entry to
    // the method that declares it, so in Authorize it would be allocated for every command.
    private void Authenticate(IConnectionContext connection, in ClientCommand command)
    {
        if (_auth is null)
        {
            Reject(connection, command.Id, ClientError.BadRequest, "this endpoint has no authentication");
            return;
        }
        var before = _auth.Access;
        _auth.OnCommand(connection, in command, reply => SendRaw(connection, reply));
        DropWhatIsNoLongerAllowed(connection, before);
    }

    private void OnTokenChecked(IConnectionContext connection, ConnectionAuth.TokenChecked result)
    {
        var before = _auth!.Access;
        _auth.OnTokenChecked(connection, result, reply => SendRaw(connection, reply));
        DropWhatIsNoLongerAllowed(connection, before);
    }

    // A refresh may carry narrower grants: subscriptions the new token no longer allows are removed, as the server API's
    // unsubscribe would, so a grant revoked at refresh time stops deliveries at once.
    private void DropWhatIsNoLongerAllowed(IConnectionContext connection, AccessControl before)
    {
        if (ReferenceEquals(before, _auth!.Access) || before.Identity is null)
            return;
        foreach (var key in _held.Items.Where(key => !_auth.Access.CanSubscribe(key)).ToArray())
            ForceUnsubscribe(connection, key);
    }

    // The server removed a subscription: release it as the client's own unsubscribe would, and tell the client.
    private void ForceUnsubscribe(IConnectionContext connection, string key)
    {
        if (!DropHeld(connection, key))
            return;
        // Topics are ASCII that JSON never escapes (TopicName), so the event is assembled as is.
        SendRaw(connection, System.Text.Encoding.ASCII.GetBytes($"{{\"type\":\"unsubscribed\",\"topic\":\"{key}\"}}"));
    }

    private void SendRaw(IConnectionContext connection, ReadOnlySpan<byte> reply)
    {
        _services.Traffic.RepliesOut.Increment();
        connection.Send(OpCode.Text, reply);
    }
}
