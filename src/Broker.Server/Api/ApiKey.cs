using System.Security.Cryptography;
using System.Text;

namespace Broker.Server.Api;

/// <summary>
/// The server API's key check (<c>Authorization: Bearer &lt;broker.http.api-key&gt;</c>), shared by every keyed endpoint:
/// an empty key disables them (403), a missing or wrong one is 401.
/// </summary>
internal sealed class ApiKey(string key)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(key);

    /// <summary>True when the request may go on; otherwise the error response is already written.</summary>
    public async Task<bool> AuthorizeAsync(HttpContext context, string endpoint)
    {
        if (_key.Length == 0)
        {
            await ApiResults.ErrorAsync(context, StatusCodes.Status403Forbidden, $"{endpoint}_disabled",
                $"the {endpoint} API is disabled: set broker.http.api-key");
            return false;
        }
        if (IsAuthorized(context.Request))
            return true;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        await ApiResults.ErrorAsync(context, StatusCodes.Status401Unauthorized, "unauthorized",
            "missing or wrong API key (Authorization: Bearer KEY)");
        return false;
    }

    private bool IsAuthorized(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        var presented = Encoding.UTF8.GetBytes(header[scheme.Length..].Trim());
        // Constant time, so response timing does not reveal how much of the key matched.
        return CryptographicOperations.FixedTimeEquals(presented, _key);
    }
}
