using Broker.Server.Api;

namespace Broker.Server.Auth;

/// <summary>
/// Guards the admin API (docs/security.md): <c>/api/stats</c>, <c>/api/topics</c>, <c>/api/nodes</c> and
/// <c>/api/users/...</c> answer 401 without <c>Authorization: Bearer &lt;broker.http.admin-key&gt;</c>. With no key
/// configured the read-only endpoints stay open (the development default) and the user operations are disabled (403).
/// </summary>
internal static class AdminKeyMiddleware
{
    private static readonly string[] ReadOnlyPaths = ["/api/stats", "/api/topics", "/api/nodes"];
    private const string UsersPrefix = "/api/users/";

    public static void UseAdminKey(this WebApplication app, string adminKey)
    {
        var key = new BearerKey(adminKey);
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "";
            var isUsers = path.StartsWith(UsersPrefix, StringComparison.Ordinal);
            if (!isUsers && !ReadOnlyPaths.Contains(path, StringComparer.Ordinal))
            {
                await next(context);
                return;
            }
            if (key.IsEmpty && isUsers)
            {
                await ApiResults.ErrorAsync(context, StatusCodes.Status403Forbidden, "admin_disabled",
                    "the user operations are disabled: set broker.http.admin-key");
                return;
            }
            if (!key.IsEmpty && !key.Matches(context.Request))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await ApiResults.ErrorAsync(context, StatusCodes.Status401Unauthorized, "unauthorized",
                    "missing or wrong admin key (Authorization: Bearer KEY)");
                return;
            }
            await next(context);
        });
    }
}
