using System.Net.WebSockets;
using System.Text.Json;

namespace Broker.Client;

public sealed partial class BrokerClient
{
    // One connection's token renewal: before the token it authenticated with expires, ask the token provider for a new
    // one and send `refresh`, so the broker does not close with 4005. Ends with the connection.
    private async Task RefreshTokensAsync(ClientWebSocket socket, string bearer, CancellationToken connection)
    {
        if (_options.TokenRefreshBefore is not { } before || _options.TokenProvider is not { } tokens)
            return;
        var expires = Jwt.Expiry(bearer);
        try
        {
            while (expires is { } exp)
            {
                var remaining = exp - DateTimeOffset.UtcNow;
                // `before` ahead of expiry, but not before halfway: a token shorter than twice `before` is not renewed
                // back to back.
                await Task.Delay(Max(TimeSpan.Zero, Max(remaining - before, remaining / 2)), connection).ConfigureAwait(false);
                if (await tokens(connection).ConfigureAwait(false) is not { Length: > 0 } fresh)
                    return;
                var reply = await RequestAsync(socket, id => Commands.Refresh(id, fresh), connection).ConfigureAwait(false);
                if (!reply.GetProperty("type"u8).ValueEquals("ack"u8))
                {
                    Report(ErrorOf(reply)); // the broker closes with 4003 or 4005 next; the run loop decides what follows
                    return;
                }
                expires = reply.TryGetProperty("expires"u8, out var e) && e.TryGetInt64(out var seconds)
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : Jwt.Expiry(fresh);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or BrokerException)
        {
            // The connection ended: the next one authenticates with a fresh token from the provider anyway.
        }
        catch (Exception e)
        {
            Report(e); // the token provider threw
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>Reads a JWT's <c>exp</c> without validating it: the broker validates; the client only needs to know when to renew.</summary>
    private static class Jwt
    {
        public static DateTimeOffset? Expiry(string token)
        {
            var parts = token.Split('.');
            if (parts.Length != 3)
                return null;
            try
            {
                var payload = parts[1].Replace('-', '+').Replace('_', '/');
                payload = payload.PadRight(payload.Length + (4 - payload.Length % 4) % 4, '=');
                using var claims = JsonDocument.Parse(Convert.FromBase64String(payload));
                return claims.RootElement.TryGetProperty("exp"u8, out var exp) && exp.TryGetInt64(out var seconds)
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : null;
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                return null; // not a JWT we can read: the broker's 4005 and a reconnect renew it instead
            }
        }
    }
}
