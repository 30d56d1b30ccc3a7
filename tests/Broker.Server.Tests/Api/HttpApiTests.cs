using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Api;

/// <summary>docs/http-api.md against a real node: POST /api/publish, GET /api/topics, GET /api/stats.</summary>
public sealed class HttpApiTests
{
    private const string Key = "s3cret-key";
    private const string WithKey = $"broker.http.api-key = \"{Key}\"";

    private static HttpClient Client(TestBroker broker, string? key = Key)
    {
        var client = new HttpClient { BaseAddress = broker.Http, Timeout = RawClient.Timeout };
        if (key is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    private static Task<HttpResponseMessage> PublishAsync(HttpClient client, string body) =>
        client.PostAsync("/api/publish", new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
    }

    [Fact]
    public async Task Publish_RightKey_AnswersOffsetAndSubscriberGetsDataByteForByte()
    {
        await using var broker = await TestBroker.StartAsync(WithKey);
        await using var subscriber = await PubSubClient.ConnectAsync(broker);
        await subscriber.SubscribeAsync("alerts.eu");
        using var http = Client(broker);

        using var first = await PublishAsync(http, """{"data": [1, {"a" : "é\n"}] , "topic":"alerts.eu"}""");
        using var second = await PublishAsync(http, """{"topic":"alerts.eu","data":null,"extra":{"ignored":true}}""");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("""{"topic":"alerts.eu","offset":1}""", (await JsonAsync(first)).GetRawText());
        Assert.Equal(2, (await JsonAsync(second)).GetProperty("offset").GetInt64());
        Assert.Equal("""{"type":"message","topic":"alerts.eu","offset":1,"data":[1, {"a" : "é\n"}]}""",
            await subscriber.ReceiveTextAsync());
        Assert.Equal("""{"type":"message","topic":"alerts.eu","offset":2,"data":null}""", await subscriber.ReceiveTextAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong")]
    [InlineData("s3cret-ke")]
    public async Task Publish_MissingOrWrongKey_Returns401(string? key)
    {
        await using var broker = await TestBroker.StartAsync(WithKey);
        using var http = Client(broker, key);

        using var response = await PublishAsync(http, """{"topic":"a","data":1}""");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", (await JsonAsync(response)).GetProperty("code").GetString());
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task Publish_ApiKeyEmpty_Returns403Disabled()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = Client(broker, key: "");

        using var response = await PublishAsync(http, """{"topic":"a","data":1}""");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("publish_disabled", (await JsonAsync(response)).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("""{"topic":"a","data":1""", "bad_json")]
    [InlineData("""[]""", "bad_json")]
    [InlineData("""{"topic":"a"}""", "bad_request")]
    [InlineData("""{"data":1}""", "bad_request")]
    [InlineData("""{"topic":7,"data":1}""", "bad_request")]
    [InlineData("""{"topic":"a","data":1,"data":2}""", "bad_request")]
    [InlineData("""{"topic":"a.*","data":1}""", "bad_topic")]
    [InlineData("""{"topic":"a b","data":1}""", "bad_topic")]
    public async Task Publish_BadBody_Returns400WithStableCode(string body, string code)
    {
        await using var broker = await TestBroker.StartAsync(WithKey);
        using var http = Client(broker);

        using var response = await PublishAsync(http, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(code, (await JsonAsync(response)).GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(20)]
    [InlineData(100_000)]
    public async Task Publish_DataOverLimit_Returns413MessageTooLarge(int dataLength)
    {
        await using var broker = await TestBroker.StartAsync(WithKey + "\nbroker.limits.max-publish-bytes = 16");
        using var http = Client(broker);

        using var response = await PublishAsync(http, $$"""{"topic":"a","data":"{{new string('x', dataLength)}}"}""");

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("message_too_large", (await JsonAsync(response)).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Topics_Subscriptions_ListedWithLocalSubscriberCounts()
    {
        await using var broker = await TestBroker.StartAsync();
        await using var a = await PubSubClient.ConnectAsync(broker);
        await using var b = await PubSubClient.ConnectAsync(broker);
        await a.SubscribeAsync("chat.lobby");
        await b.SubscribeAsync("chat.lobby");
        await b.SubscribeAsync("chat.>", id: 2);
        using var http = Client(broker, key: null);

        using var response = await http.GetAsync("/api/topics");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"topics":[{"topic":"chat.>","subscribers":1},{"topic":"chat.lobby","subscribers":2}]}""",
            (await JsonAsync(response)).GetRawText());
    }

    [Fact]
    public async Task Stats_AfterTraffic_CountsConnectionsMessagesAndDeliveries()
    {
        await using var broker = await TestBroker.StartAsync(WithKey);
        await using var subscriber = await PubSubClient.ConnectAsync(broker);
        await subscriber.SubscribeAsync("s");
        using var http = Client(broker);
        using (await PublishAsync(http, """{"topic":"s","data":1}"""))
            await subscriber.ReceiveAsync();

        using var response = await http.GetAsync("/api/stats");
        var stats = await JsonAsync(response);

        Assert.Equal(1, stats.GetProperty("connections").GetInt64());
        Assert.Equal(1, stats.GetProperty("messagesIn").GetInt64());
        Assert.Equal(1, stats.GetProperty("replies").GetInt64());
        Assert.Equal(1, stats.GetProperty("deliveries").GetInt64());
        Assert.Equal(2, stats.GetProperty("messagesOut").GetInt64());
        Assert.Equal(1, stats.GetProperty("publishes").GetInt64());
        foreach (var zero in new[] { "drops", "publishFailures", "slowConsumerDisconnects", "heartbeatTimeouts", "protocolErrors" })
            Assert.Equal(0, stats.GetProperty(zero).GetInt64());
    }
}
