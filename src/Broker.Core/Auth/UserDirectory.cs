using Akka.Actor;
using Broker.Core.Connections;

namespace Broker.Core.Auth;

/// <summary>
/// The node's index of authenticated connections by user, so the server API can disconnect a user or remove one of
/// their subscriptions (docs/security.md). One actor per node at <see cref="Path"/>; in a cluster the API tells the
/// directory of every member node.
/// </summary>
public static class UserDirectory
{
    /// <summary>The actor's name under /user.</summary>
    public const string Name = "users";

    /// <summary>The actor's path on any node (for a selection across the cluster).</summary>
    public const string Path = "/user/" + Name;

    /// <summary>Props of the directory.</summary>
    public static Props Props() => Akka.Actor.Props.Create(() => new UserDirectoryActor());

    /// <summary>A connection authenticated as <paramref name="User"/>; the directory watches it until it stops.</summary>
    public sealed record Register(string User, IActorRef Connection);

    /// <summary>Close every connection of <paramref name="User"/> on this node with 4006.</summary>
    public sealed record DisconnectUser(string User) : IUserCommand;

    /// <summary>Remove <paramref name="Topic"/> (a key exactly as subscribed) from every connection of <paramref name="User"/> on this node.</summary>
    public sealed record UnsubscribeUser(string User, string Topic) : IUserCommand;

    /// <summary>A command the directory forwards to each of the user's connections.</summary>
    public interface IUserCommand : IHandlerMessage
    {
        /// <summary>The user it applies to.</summary>
        string User { get; }
    }
}
