namespace Broker.Core.Namespaces;

/// <summary>Who may subscribe to, or publish on, the topics of a namespace (docs/security.md).</summary>
public enum AccessRule
{
    /// <summary>Every connection, authenticated or not.</summary>
    Anyone,

    /// <summary>Connections that presented a valid token.</summary>
    Authenticated,

    /// <summary>Connections whose token grants the topic (its <c>subscribe</c> or <c>publish</c> claim).</summary>
    Granted,

    /// <summary>No client; only the server API may publish.</summary>
    None,
}
