namespace Broker.Core.Auth;

/// <summary>Who a connection authenticated as: the claims of its verified token (docs/security.md).</summary>
/// <param name="User">The token's <c>sub</c>.</param>
/// <param name="Expires">The token's <c>exp</c>; the connection is closed with 4005 after it unless refreshed.</param>
/// <param name="SubscribeGrants">The <c>subscribe</c> claim: patterns (with <c>{user}</c>) the token grants.</param>
/// <param name="PublishGrants">The <c>publish</c> claim.</param>
public sealed record AuthIdentity(
    string User,
    DateTimeOffset Expires,
    IReadOnlyList<string> SubscribeGrants,
    IReadOnlyList<string> PublishGrants);
