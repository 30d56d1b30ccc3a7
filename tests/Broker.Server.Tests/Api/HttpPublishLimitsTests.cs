using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Api;

/// <summary>POST /api/publish checks its body's UTF-8 and has its own rate limit (issue 10 item 5).</summary>
public sealed class HttpPublishLimitsTests
{
    private const string Key = "s3cret-key";

    private static HttpClient Client(TestBroker broker)
    {
        var client = new HttpClient { BaseAddress = broker.Http, Timeout = RawClient.Timeout };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return client;
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return client.PostAsync("/api/publish", content);
    }

    private static async Task<string> CodeAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()!;

    [Theory]
    [InlineData("{\"topic\":\"alerts\",\"data\":\"\xFF\xFE\"}")]   // invalid bytes inside data's string
    [InlineData("{\"topic\":\"al\xC3\",\"data\":1}")]             // a truncated sequence inside topic
    [InlineData("{\"topic\":\"alerts\",\"data\":\"\xED\xA0\x80\"}")] // an encoded surrogate
    public async Task Publish_BodyNotUtf8_Returns400BadJsonAndPublishesNothing(string latin1Body)
    {
        await using var broker = await TestBroker.StartAsync($"broker.http.api-key = \"{Key}\"");
        await using var subscriber = await PubSubClient.ConnectAsync(broker);
        await subscriber.SubscribeAsync("alerts");
        using var http = Client(broker);

        using var response = await PostAsync(http, Encoding.Latin1.GetBytes(latin1Body));
        using var valid = await PostAsync(http, """{"topic":"alerts","data":"ok"}"""u8.ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("bad_json", await CodeAsync(response));
        Assert.Equal("""{"type":"message","topic":"alerts","offset":1,"data":"ok"}""", await subscriber.ReceiveTextAsync());
    }

    [Fact]
    public async Task Publish_BeyondBurst_Returns429RateLimitedWithRetryAfter()
    {
        // 0.01/s: the bucket cannot refill between these requests however slow the machine is.
        await using var broker = await TestBroker.StartAsync(
            $"broker.http {{ api-key = \"{Key}\", publish-rate = 0.01, publish-burst = 2 }}");
        using var http = Client(broker);
        var body = """{"topic":"a","data":1}"""u8.ToArray();

        using var first = await PostAsync(http, body);
        using var second = await PostAsync(http, body);
        using var third = await PostAsync(http, body);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.Equal("rate_limited", await CodeAsync(third));
        Assert.NotNull(third.Headers.RetryAfter);
    }
}
