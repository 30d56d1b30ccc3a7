using Akka.Hosting;
using Broker.Core.Auth;
using Broker.Core.Connections;
using Broker.Core.PubSub;
using Broker.Core.Settings;
using Broker.Server.PubSub;

namespace Broker.Server.Auth;

/// <summary>
/// Wires authentication into the node: the token validator (when <c>broker.auth.jwt</c> has keys), the node's
/// <see cref="UserDirectory"/> actor, and the <c>/ws</c> handler factory that reads a handshake's
/// <c>Authorization: Bearer</c> token before the upgrade.
/// </summary>
internal static class AuthHosting
{
    public static IServiceCollection AddBrokerAuth(this IServiceCollection services, BrokerSettings settings)
    {
        if (settings.Auth.Jwt.Enabled)
        {
            services.AddSingleton(provider =>
            {
                var logger = provider.GetRequiredService<ILoggerFactory>().CreateLogger("Broker.Auth");
                return new TokenValidator(settings.Auth.Jwt, new HttpClient(), message => Log.JwksFailed(logger, message));
            });
        }
        return services;
    }

    public static AkkaConfigurationBuilder WithUserDirectory(this AkkaConfigurationBuilder akka) =>
        akka.WithActors((system, registry) =>
            registry.Register<UserDirectoryKey>(system.ActorOf(UserDirectory.Props(), UserDirectory.Name)));

    /// <summary>Validates the key files at startup (a bad PEM stops the node) and warns about risky combinations.</summary>
    public static void CheckAtStartup(WebApplication app, BrokerSettings settings)
    {
        if (settings.Auth.Jwt.Enabled)
            app.Services.GetRequiredService<TokenValidator>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Broker.Auth");
        var authOn = !settings.Auth.AllowAnonymous || settings.Auth.Jwt.Enabled;
        if (authOn && settings.Http.AllowedOrigins.Count == 0)
            Log.NoAllowedOrigins(logger);
    }

    /// <summary>
    /// One <see cref="PubSubHandler"/> per connection, with its <see cref="ConnectionAuth"/>. A handshake that carries
    /// <c>Authorization: Bearer</c> is verified first: an invalid token is answered 401 and never upgraded (null).
    /// </summary>
    public static Func<HttpContext, ValueTask<IMessageHandler?>> HandlerFactory(IServiceProvider services, BrokerSettings settings)
    {
        // PublicationOnly: a handshake racing the ActorSystem's start must not cache the failure for every later one.
        var shared = new Lazy<(PubSubServices PubSub, AuthServices Auth)>(() => (PubSubHosting.Services(services), new AuthServices(
            settings.Auth, settings.Namespaces, services.GetService<TokenValidator>(),
            services.GetRequiredService<IRequiredActor<UserDirectoryKey>>().ActorRef)), LazyThreadSafetyMode.PublicationOnly);
        return async context =>
        {
            var (pubSub, auth) = shared.Value;
            if (BearerKey.Token(context.Request) is not { } token)
                return new PubSubHandler(pubSub, new ConnectionAuth(auth));
            var result = auth.Validator is null
                ? new TokenResult(null, "this node verifies no tokens")
                : await auth.Validator.ValidateAsync(token);
            if (result.Identity is { } identity)
                return new PubSubHandler(pubSub, new ConnectionAuth(auth, identity));
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
            await context.Response.WriteAsync(result.Error!);
            return null;
        };
    }
}

/// <summary>Akka.Hosting registry key of the node's <see cref="UserDirectory"/> actor.</summary>
internal sealed class UserDirectoryKey;
