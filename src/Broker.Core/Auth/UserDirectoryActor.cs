using Akka.Actor;

namespace Broker.Core.Auth;

/// <summary>Keeps user → connections for this node; see <see cref="UserDirectory"/>.</summary>
internal sealed class UserDirectoryActor : ReceiveActor
{
    private readonly Dictionary<string, HashSet<IActorRef>> _byUser = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> _userOf = new();

    public UserDirectoryActor()
    {
        Receive<UserDirectory.Register>(OnRegister);
        Receive<UserDirectory.IUserCommand>(OnCommand);
        Receive<Terminated>(t => Forget(t.ActorRef));
    }

    private void OnRegister(UserDirectory.Register register)
    {
        // A refresh keeps the same user, so a connection registers at most once.
        if (_userOf.ContainsKey(register.Connection))
            return;
        _userOf.Add(register.Connection, register.User);
        if (!_byUser.TryGetValue(register.User, out var connections))
            _byUser.Add(register.User, connections = []);
        connections.Add(register.Connection);
        Context.Watch(register.Connection);
    }

    private void OnCommand(UserDirectory.IUserCommand command)
    {
        if (!_byUser.TryGetValue(command.User, out var connections))
            return;
        foreach (var connection in connections)
            connection.Tell(command);
    }

    private void Forget(IActorRef connection)
    {
        if (!_userOf.Remove(connection, out var user))
            return;
        var connections = _byUser[user];
        connections.Remove(connection);
        if (connections.Count == 0)
            _byUser.Remove(user);
    }
}
