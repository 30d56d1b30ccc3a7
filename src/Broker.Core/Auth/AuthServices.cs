using Akka.Actor;
using Broker.Core.Namespaces;
using Broker.Core.Settings;

namespace Broker.Core.Auth;

/// <summary>What every connection's <see cref="ConnectionAuth"/> on a node shares.</summary>
/// <param name="Settings">The <c>broker.auth</c> section.</param>
/// <param name="Namespaces">The namespaces whose rules decide each subscribe and publish.</param>
/// <param name="Validator">Verifies tokens; null when <c>broker.auth.jwt</c> configures no key (every token is refused).</param>
/// <param name="Users">The node's <see cref="UserDirectory"/> actor, which the server API reaches to act on a user's connections.</param>
public sealed record AuthServices(AuthSettings Settings, NamespaceTable Namespaces, TokenValidator? Validator, IActorRef Users)
{
    /// <summary>The rules of every anonymous connection, built once per node.</summary>
    public AccessControl Anonymous { get; } = new(Namespaces, null);
}
