using System.Security.Cryptography;
using System.Text;

namespace Broker.Server.Admin;

/// <summary><c>Authorization: Bearer &lt;broker.http.admin-key&gt;</c>, compared in constant time; an empty key disables the admin API.</summary>
internal sealed class AdminKey(string key)
{
    private const string Scheme = "Bearer ";
    private readonly byte[] _key = Encoding.UTF8.GetBytes(key);

    public bool IsEnabled => _key.Length > 0;

    public bool Authorizes(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return IsEnabled && header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim()), _key);
    }
}
