using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json;
using Broker.Server.Tests.Support;
using Broker.Testing;
using Microsoft.IdentityModel.Tokens;

namespace Broker.Server.Tests.Auth;

/// <summary>Keys from a JWKS endpoint: fetched, refreshed on an unknown kid (key rotation), never blocking known keys.</summary>
public sealed class JwksTests : IAsyncDisposable
{
    private readonly JwksServer _jwks = new();
    private readonly RSA _first = RSA.Create(2048);
    private readonly RSA _second = RSA.Create(2048);

    private Task<TestBroker> StartAsync() => TestBroker.StartAsync($$"""
        broker.auth {
          anonymous = deny
          jwt { jwks-url = "{{_jwks.Url}}", jwks-timeout = 3s, jwks-unknown-kid-cooldown = 50ms }
        }
        """);

    private static string Token(RSA rsa, string kid, string sub = "alice") =>
        TestKeys.Token(new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256), sub);

    private static async Task<JsonElement?> TryConnectAsync(TestBroker broker, string token)
    {
        await using var client = await PubSubClient.ConnectAsync(broker);
        await client.SendAsync($$"""{"type":"connect","id":1,"token":"{{token}}"}""");
        var (type, payload) = await WebSocketClients.ReceiveMessageAsync(client.Socket);
        return type == WebSocketMessageType.Text ? JsonDocument.Parse(payload).RootElement : null;
    }

    [Fact]
    public async Task Connect_KeyFromJwks_IsConnected()
    {
        _jwks.Publish(("k1", _first));
        await using var broker = await StartAsync();

        var reply = await TryConnectAsync(broker, Token(_first, "k1"));

        Assert.Equal("connected", reply?.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Connect_RotatedKey_IsFetchedOnItsUnknownKid()
    {
        _jwks.Publish(("k1", _first));
        await using var broker = await StartAsync();
        Assert.NotNull(await TryConnectAsync(broker, Token(_first, "k1")));
        Assert.Null(await TryConnectAsync(broker, Token(_second, "k2"))); // not published yet: 4003

        _jwks.Publish(("k1", _first), ("k2", _second));

        // The cooldown (50 ms) may still hold back the fetch for the first attempt after the rotation.
        await Eventually.TrueAsync(async () => await TryConnectAsync(broker, Token(_second, "k2")) is not null,
            TimeSpan.FromSeconds(15), "connected with the rotated key");
    }

    [Fact]
    public async Task Connect_KnownKeyWhileJwksHangs_DoesNotWait()
    {
        _jwks.Publish(("k1", _first));
        await using var broker = await StartAsync();
        Assert.NotNull(await TryConnectAsync(broker, Token(_first, "k1")));
        _jwks.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // An unknown kid makes its connection wait for the (hanging) endpoint, up to jwks-timeout...
        var unknown = TryConnectAsync(broker, Token(_second, "k9"));
        // ...while a token with a known kid is answered meanwhile.
        var known = await TryConnectAsync(broker, Token(_first, "k1"));

        Assert.Equal("connected", known?.GetProperty("type").GetString());
        Assert.False(unknown.IsCompleted);
        Assert.Null(await unknown); // refused with 4003 once the fetch timed out
    }

    public async ValueTask DisposeAsync()
    {
        await _jwks.DisposeAsync();
        _first.Dispose();
        _second.Dispose();
    }
}
