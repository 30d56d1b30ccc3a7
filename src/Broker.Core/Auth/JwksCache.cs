using Microsoft.IdentityModel.Tokens;

namespace Broker.Core.Auth;

/// <summary>
/// The keys of <c>broker.auth.jwt.jwks-url</c>, fetched at start, refetched every <c>jwks-refresh-interval</c> and when a
/// token names an unknown <c>kid</c> (at most once per <c>jwks-unknown-kid-cooldown</c>, one fetch shared by every
/// waiting connection). Reads never wait: verification uses the current snapshot, and only a token whose kid is
/// unknown waits for a fetch, bounded by <c>jwks-timeout</c>. A failed fetch keeps the previous keys.
/// </summary>
internal sealed class JwksCache : IDisposable
{
    private readonly Uri _url;
    private readonly HttpClient _http;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _cooldown;
    private readonly Action<string> _warn;
    private readonly Timer _refresh;
    private readonly object _gate = new();
    private volatile IReadOnlyList<SecurityKey> _keys = [];
    private Task _inFlight = Task.CompletedTask;
    private long _lastUnknownKidFetch = long.MinValue;

    public JwksCache(Uri url, HttpClient http, TimeSpan timeout, TimeSpan refreshInterval, TimeSpan cooldown, Action<string> warn)
    {
        (_url, _http, _timeout, _cooldown, _warn) = (url, http, timeout, cooldown, warn);
        _refresh = new Timer(_ => Refresh(), null, TimeSpan.Zero, refreshInterval);
    }

    /// <summary>The keys of the last successful fetch.</summary>
    public IReadOnlyList<SecurityKey> Keys => _keys;

    /// <summary>True when a key with this <paramref name="kid"/> is known.</summary>
    public bool Knows(string kid)
    {
        foreach (var key in _keys)
            if (key.KeyId == kid)
                return true;
        return false;
    }

    /// <summary>Fetches the set for a token with an unknown kid, unless one was fetched for that reason within the cooldown.</summary>
    public Task RefreshForUnknownKidAsync()
    {
        lock (_gate)
        {
            var now = Environment.TickCount64;
            if (!_inFlight.IsCompleted)
                return _inFlight;
            if (_lastUnknownKidFetch != long.MinValue && now - _lastUnknownKidFetch < (long)_cooldown.TotalMilliseconds)
                return Task.CompletedTask;
            _lastUnknownKidFetch = now;
            return _inFlight = FetchAsync();
        }
    }

    private void Refresh()
    {
        lock (_gate)
        {
            if (_inFlight.IsCompleted)
                _inFlight = FetchAsync();
        }
    }

    private async Task FetchAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(_timeout);
            var json = await _http.GetStringAsync(_url, timeout.Token).ConfigureAwait(false);
            var keys = new JsonWebKeySet(json).Keys
                .Where(k => k.Use is null or "" or JsonWebKeyUseNames.Sig)
                .ToArray<SecurityKey>();
            _keys = keys;
        }
        // Any failure (network, timeout, a body that is not a key set) leaves the node with the keys it had.
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _warn($"JWKS fetch from {_url} failed ({e.GetType().Name}: {e.Message}); keeping {_keys.Count} known keys");
        }
    }

    public void Dispose() => _refresh.Dispose();
}
