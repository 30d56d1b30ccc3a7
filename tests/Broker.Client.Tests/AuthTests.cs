using System.Net.Http.Headers;
using System.Text;
using System.Threading.Channels;
using Broker.Testing;

namespace Broker.Client.Tests;

/// <summary>The client's token handling against a real node that requires JWTs: refresh, 4005, 4003, 4006, unsubscribed.</summary>
public sealed class AuthTests
{
    private const string Secret = "client-tests-hmac-secret-0123456789abcdef";
    private const string AdminKey = "client-tests-admin";
    private static readonly TimeSpan Bound = Node.Bound;

    [Fact]
    public async Task Token_ShortLived_RefreshedOnTheSameConnectionPastItsExpiry()
    {
        await using var node = await StartAsync();
        var calls = 0;
        var options = Options(() => HmacTokens.For(Secret, "alice", TimeSpan.FromSeconds(6)), () => calls++);
        options.TokenRefreshBefore = TimeSpan.FromSeconds(4); // not before halfway: every 2.5-3 s
        var (client, states) = Node.Watched(node.WebSocketUri, options);
        await using var _ = client;
        await client.ConnectAsync();

        // Four tokens: the first one's expiry (5-6 s) has passed, with the node checking expiries every 250 ms.
        await Eventually.TrueAsync(() => Volatile.Read(ref calls) >= 4, Bound, "four tokens asked for");
        var published = await client.PublishAsync("auth.t", "still here");

        Assert.True(published.Offset > 0);
        Assert.Equal(0, await Node.MetricAsync(node, "broker_closes_total{code=\"4005\"}"));
        states.Writer.TryComplete();
        Assert.DoesNotContain(BrokerConnectionState.Reconnecting, await states.Reader.ReadAllAsync().ToListAsync());
    }

    [Fact]
    public async Task Token_ExpiresWithoutRefresh_Closed4005AndReconnectsWithAFreshToken()
    {
        await using var node = await StartAsync();
        var calls = 0;
        var options = Options(() => HmacTokens.For(Secret, "bob", TimeSpan.FromSeconds(Volatile.Read(ref calls) == 1 ? 4 : 600)),
            () => calls++);
        options.TokenRefreshBefore = null;
        var (client, states) = Node.Watched(node.WebSocketUri, options);
        await using var _ = client;
        await client.ConnectAsync();
        var received = Channel.CreateUnbounded<BrokerMessage>();
        await using var subscription = await client.SubscribeAsync("auth.expiry", m => received.Writer.WriteAsync(m));

        await Node.WaitForStateAsync(states, BrokerConnectionState.Reconnecting);
        await Node.WaitForStateAsync(states, BrokerConnectionState.Open);
        await Eventually.TrueAsync(async () => await Node.SubscribersAsync(node, "auth.expiry", AdminKey) == 1, Bound, "resubscribed");
        await client.PublishAsync("auth.expiry", "after the new token");

        Assert.Equal(1, await Node.MetricAsync(node, "broker_closes_total{code=\"4005\"}"));
        Assert.Equal(2, Volatile.Read(ref calls));
        Assert.Equal("after the new token", (await received.Reader.ReadAsync().AsTask().WaitAsync(Bound)).Data.GetString());
    }

    [Fact]
    public async Task Anonymous_DeniedAndNoToken_4003ClosesForGoodWithUnauthorized()
    {
        await using var node = await StartAsync();
        var (client, states) = Node.Watched(node.WebSocketUri, Node.FastReconnect());
        await using var _ = client;
        await client.ConnectAsync(); // the handshake itself needs no token; the first command does

        var refused = await Assert.ThrowsAsync<BrokerException>(() => client.SubscribeAsync("auth.t", _ => ValueTask.CompletedTask));

        Assert.Equal("unauthorized", refused.Code);
        await Node.WaitForStateAsync(states, BrokerConnectionState.Closed);
        Assert.Equal("closed", (await Assert.ThrowsAsync<BrokerException>(() => client.PublishAsync("auth.t", 1))).Code);
    }

    [Fact]
    public async Task User_DisconnectedByTheServer_StreamsEndWithDisconnectedAndTheClientStaysClosed()
    {
        await using var node = await StartAsync();
        var (client, states) = Node.Watched(node.WebSocketUri, Options(() => HmacTokens.For(Secret, "carol")));
        await using var _ = client;
        await client.ConnectAsync();
        var reading = ReadUntilFailureAsync(client, "auth.carol");
        await Eventually.TrueAsync(async () => await Node.SubscribersAsync(node, "auth.carol", AdminKey) == 1, Bound, "subscribed");

        await AdminPostAsync(node, "/api/users/carol/disconnect", "");

        Assert.Equal("disconnected", (await reading.WaitAsync(Bound)).Code);
        await Node.WaitForStateAsync(states, BrokerConnectionState.Closed);
    }

    [Fact]
    public async Task User_UnsubscribedByTheServer_ThatStreamEndsAndTheConnectionStaysOpen()
    {
        await using var node = await StartAsync();
        await using var client = Node.Client(node, Options(() => HmacTokens.For(Secret, "dave")));
        await client.ConnectAsync();
        var errors = Channel.CreateUnbounded<Exception>();
        client.Error += e => errors.Writer.TryWrite(e);
        var reading = ReadUntilFailureAsync(client, "auth.dave");
        await Eventually.TrueAsync(async () => await Node.SubscribersAsync(node, "auth.dave", AdminKey) == 1, Bound, "subscribed");

        await AdminPostAsync(node, "/api/users/dave/unsubscribe", """{"topic":"auth.dave"}""");

        Assert.Equal("unsubscribed", (await reading.WaitAsync(Bound)).Code);
        Assert.Equal("unsubscribed", ((BrokerException)await errors.Reader.ReadAsync().AsTask().WaitAsync(Bound)).Code);
        Assert.Equal(BrokerConnectionState.Open, client.State);
        Assert.True((await client.PublishAsync("auth.other", 1)).Offset > 0);
    }

    // A node that requires tokens, checks expiries every 250 ms (a quarter of the ping interval) with no clock skew.
    private static Task<BrokerProcess> StartAsync() => BrokerProcess.StartAsync([], new Dictionary<string, string>
    {
        ["BROKER__AUTH__ANONYMOUS"] = "deny",
        ["BROKER__AUTH__JWT__HMAC_SECRET"] = Secret,
        ["BROKER__AUTH__JWT__CLOCK_SKEW_SECONDS"] = "0",
        ["BROKER__WEBSOCKET__PING_INTERVAL"] = "1s",
        ["BROKER__HTTP__ADMIN_KEY"] = AdminKey,
    });

    private static BrokerClientOptions Options(Func<string> token, Action? onCall = null)
    {
        var options = Node.FastReconnect();
        options.TokenProvider = _ =>
        {
            onCall?.Invoke();
            return ValueTask.FromResult<string?>(token());
        };
        return options;
    }

    // Reads a stream until it fails; returns the failure (the stream must not end quietly).
    private static async Task<BrokerException> ReadUntilFailureAsync(BrokerClient client, string topic)
    {
        try
        {
            await foreach (var _ in client.ReadAllAsync(topic))
            {
            }
        }
        catch (BrokerException e)
        {
            return e;
        }
        throw new InvalidOperationException($"the stream of {topic} ended without an error");
    }

    private static async Task AdminPostAsync(BrokerProcess node, string path, string body)
    {
        using var http = new HttpClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var response = await http.PostAsync(new Uri(node.HttpUri, path), new StringContent(body, Encoding.UTF8, "application/json"));
        response.EnsureSuccessStatusCode();
    }
}
