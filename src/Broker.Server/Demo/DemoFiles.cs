namespace Broker.Server.Demo;

/// <summary>
/// The chat demo at <c>/</c> and the JavaScript client at <c>/client.js</c>: static files from the wwwroot folder copied
/// next to the binary (the csproj links src/broker-client-js/broker-client.js in as wwwroot/client.js).
/// </summary>
internal static class DemoFiles
{
    public static WebApplicationOptions Options(string[] args) => new()
    {
        Args = args,
        // Next to the binary, so the node serves the same files however it is started (dotnet run, the dll, a container).
        ContentRootPath = AppContext.BaseDirectory,
        WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
    };

    public static void UseDemoFiles(this WebApplication app)
    {
        app.UseDefaultFiles();
        app.UseStaticFiles();
    }
}
