namespace Broker.Core.Settings;

/// <summary>The <c>broker.auth</c> section.</summary>
/// <param name="AllowAnonymous">Whether connections without a token may use the broker (<c>anonymous = allow</c>).</param>
public sealed record AuthSettings(bool AllowAnonymous);
