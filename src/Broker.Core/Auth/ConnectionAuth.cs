using System.Buffers;
using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using Broker.Core.Connections;
using Broker.Protocol;
using Broker.Protocol.Client;

namespace Broker.Core.Auth;

/// <summary>
/// One connection's authentication (docs/security.md, docs/protocol.md "connect"): its cluster-wide <see cref="Client"/>
/// id, its identity and <see cref="Access"/> rules, the <c>connect</c> and <c>refresh</c> commands, and the deadlines
/// checked on the node-wide heartbeat tick (no timer per connection): no connect within <c>connect-timeout</c> while
/// anonymous connections are denied closes with 4003, a token past its <c>exp</c> with 4005.
/// Every call runs on the connection actor's thread.
/// </summary>
public sealed class ConnectionAuth
{
    private readonly AuthServices _services;
    private readonly long _openedAt = Environment.TickCount64;
    private bool _checking;
    private string? _client;

    /// <summary>A connection that is anonymous until it connects, or already authenticated by its handshake header.</summary>
    public ConnectionAuth(AuthServices services, AuthIdentity? fromHandshake = null)
    {
        _services = services;
        Access = fromHandshake is null ? services.Anonymous : new AccessControl(services.Namespaces, fromHandshake);
    }

    /// <summary>
    /// This connection's id, unique across the cluster (a random 128-bit value in hex): the <c>client</c> of the
    /// <c>connected</c> reply, and the id presence reports. Made when first asked for: most connections never are, and
    /// the 86-byte string was 2 % of an idle connection.
    /// </summary>
    public string Client => _client ??= Guid.NewGuid().ToString("N");

    /// <summary>The authenticated user (the token's <c>sub</c>), or null while anonymous.</summary>
    public string? User => Access.Identity?.User;

    /// <summary>What this connection may subscribe to and publish on.</summary>
    public AccessControl Access { get; private set; }

    /// <summary>
    /// Whether a command other than connect/refresh may run now. With anonymous connections denied, a command before a
    /// successful connect closes the connection with 4003 (a client must wait for <c>connected</c>).
    /// </summary>
    public bool Admit(IConnectionContext connection)
    {
        if (Access.Identity is not null || _services.Settings.AllowAnonymous)
            return true;
        connection.Close(CloseStatus.AuthenticationFailed);
        return false;
    }

    /// <summary>Registers a connection that authenticated in its handshake; call once the actor runs.</summary>
    public void Start(IConnectionContext connection)
    {
        if (Access.Identity is { } identity)
            _services.Users.Tell(new UserDirectory.Register(identity.User, connection.Self));
    }

    /// <summary><c>connect</c> or <c>refresh</c>: verify the token, then answer (at once when its keys are known).</summary>
    public void OnCommand(IConnectionContext connection, in ClientCommand command, Action<ReadOnlySpan<byte>> reply)
    {
        var isRefresh = command.Type == ClientCommandType.Refresh;
        var id = command.Id.IsEmpty ? null : command.Id.ToArray();
        if (_checking || (isRefresh ? Access.Identity is null : Access.Identity is not null))
        {
            // A second connect, a refresh before connect, or a command racing a token check: a protocol slip, not an attack.
            Error(reply, id, ClientError.BadRequest, isRefresh
                ? "refresh needs a connected connection; send connect first"
                : _checking ? "a token is being checked; wait for its answer" : "already connected; use refresh to replace the token");
            return;
        }
        if (_services.Validator is null)
        {
            Fail(connection, "this node verifies no tokens (broker.auth.jwt is not configured)");
            return;
        }
        var check = _services.Validator.ValidateAsync(command.Token!);
        if (check.IsCompletedSuccessfully)
        {
            OnChecked(connection, new TokenChecked(isRefresh, id, check.Result), reply);
            return;
        }
        _checking = true;
        check.AsTask().PipeTo(connection.Self,
            success: result => new TokenChecked(isRefresh, id, result),
            failure: _ => new TokenChecked(isRefresh, id, TokenResult.Fail("the token could not be checked")));
    }

    /// <summary>A token check that did not complete at once has its answer.</summary>
    internal void OnTokenChecked(IConnectionContext connection, TokenChecked result, Action<ReadOnlySpan<byte>> reply)
    {
        _checking = false;
        OnChecked(connection, result, reply);
    }

    /// <summary>The heartbeat tick: enforce connect-timeout and token expiry.</summary>
    public void OnTick(IConnectionContext connection)
    {
        if (Access.Identity is { } identity)
        {
            if (DateTimeOffset.UtcNow >= identity.Expires + _services.Settings.Jwt.ClockSkew)
                connection.Close(CloseStatus.TokenExpired);
            return;
        }
        if (!_services.Settings.AllowAnonymous
            && Environment.TickCount64 - _openedAt >= (long)_services.Settings.ConnectTimeout.TotalMilliseconds)
            connection.Close(CloseStatus.AuthenticationFailed);
    }

    private void OnChecked(IConnectionContext connection, TokenChecked result, Action<ReadOnlySpan<byte>> reply)
    {
        if (result.Result.Identity is not { } identity)
        {
            Fail(connection, result.Result.Error!);
            return;
        }
        if (result.IsRefresh && identity.User != Access.Identity?.User)
        {
            Fail(connection, "a refresh token must carry the same sub");
            return;
        }
        var first = Access.Identity is null;
        Access = new AccessControl(_services.Namespaces, identity);
        if (first)
            _services.Users.Tell(new UserDirectory.Register(identity.User, connection.Self));
        reply(Reply(result.IsRefresh ? "ack" : "connected", result.Id, result.IsRefresh ? null : Client, identity));
    }

    // docs/protocol.md: an invalid token closes with 4003; the reason goes into the Close frame, never the token.
    private static void Fail(IConnectionContext connection, string reason)
    {
        connection.ActorContext.GetLogger().Debug("Authentication failed: {0}", reason);
        connection.Close(CloseStatus.AuthenticationFailed);
    }

    private static void Error(Action<ReadOnlySpan<byte>> reply, byte[]? id, ClientError error, string message)
    {
        var output = new ArrayBufferWriter<byte>(128);
        ServerMessageWriter.WriteError(output, id ?? [], error, message);
        reply(output.WrittenSpan);
    }

    // {"type":"connected","id":..,"client":"..","user":"..","expires":N} or {"type":"ack","id":..,"expires":N}.
    private static byte[] Reply(string type, byte[]? id, string? client, AuthIdentity identity)
    {
        var output = new ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteString("type"u8, type);
            if (id is not null)
            {
                writer.WritePropertyName("id"u8);
                writer.WriteRawValue(id, skipInputValidation: true);
            }
            if (client is not null)
            {
                writer.WriteString("client"u8, client);
                writer.WriteString("user"u8, identity.User);
            }
            writer.WriteNumber("expires"u8, identity.Expires.ToUnixTimeSeconds());
            writer.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }

    // The answer of a token check that went asynchronous, piped back to the connection actor.
    internal sealed record TokenChecked(bool IsRefresh, byte[]? Id, TokenResult Result) : IHandlerMessage;
}
