using Broker.Server.Api;

namespace Broker.Server.Auth;

/// <summary>
/// Guards the admin API (docs/security.md): <c>/api/stats</c>, <c>/api/topics</c>, <c>/api/nodes</c>,
/// <c>/api/users/...</c> and <c>/api/admin/...</c> answer 401 without <c>Authorization: Bearer &lt;broker.http.admin-key&gt;</c>.
/// With no key configured the read-only endpoints stay open (the development default) and the user operations and the
/// admin overview are disabled (403).
/// </summary>
internal static class AdminKeyMiddleware
{
    private static readonly string[] ReadOnlyPaths = ["/api/stats", "/api/topics", "/api/nodes"];
    private const string UsersPrefix = "/api/users/";
    private const string AdminPrefix = "/api/admin/";

    public static void UseAdminKey(this WebApplication app, string adminKey)
    {
        var key = new BearerKey(adminKey);
        app.Use(async (context, next) =>
        {
            var path = context.Request.Path.Value ?? "";
            var isUsers = path.StartsWith(UsersPrefix, StringComparison.Ordinal);
            var isAdmin = path.StartsWith(AdminPrefix, StringComparison.Ordinal);
            if (!isUsers && !isAdmin && !ReadOnlyPaths.Contains(path, StringComparer.Ordinal))
            {
                await next(context);
                return;
            }
            if (key.IsEmpty && (isUsers || isAdmin))
            {
                await ApiResults.ErrorAsync(context, StatusCodes.Status403Forbidden, "admin_disabled",
                    $"{(isUsers ? "the user operations are" : "the admin overview is")} disabled: set broker.http.admin-key");
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
