using System.Net;
using Broker.Server.Tests.Support;

namespace Broker.Server.Tests.Api;

public sealed class DemoFilesTests
{
    [Fact]
    public async Task Root_ServesChatPageThatLoadsClientScript()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = new HttpClient { BaseAddress = broker.Http, Timeout = RawClient.Timeout };

        using var response = await http.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<script type=\"module\" src=\"chat.js\">", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ClientJs_ServesTheRepositoryClientAsJavaScript()
    {
        await using var broker = await TestBroker.StartAsync();
        using var http = new HttpClient { BaseAddress = broker.Http, Timeout = RawClient.Timeout };
        var source = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "src", "broker-client-js", "broker-client.js"));

        using var response = await http.GetAsync("/client.js");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(source, await response.Content.ReadAsStringAsync());
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Broker.sln")))
            directory = directory.Parent;
        return directory?.FullName ?? throw new InvalidOperationException("Broker.sln not found above the test binaries");
    }
}
