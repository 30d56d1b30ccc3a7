using System.Collections.Concurrent;
using System.Net;

namespace Broker.Server.WebSockets;

/// <summary>
/// Open WebSocket connections per peer IP address, for <c>broker.limits.max-connections-per-ip</c>. An address with no
/// open connection has no entry, so the table is bounded by the connections themselves.
/// </summary>
internal sealed class AddressConnections
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();

    /// <summary>Counts one more connection from <paramref name="address"/> unless <paramref name="max"/> are open.</summary>
    public bool TryAdmit(IPAddress address, int max)
    {
        while (true)
        {
            if (!_open.TryGetValue(address, out var count))
            {
                if (_open.TryAdd(address, 1))
                    return true;
                continue;
            }
            if (count >= max)
                return false;
            if (_open.TryUpdate(address, count + 1, count))
                return true;
        }
    }

    /// <summary>Releases a connection admitted by <see cref="TryAdmit"/>; the last one removes the entry.</summary>
    public void Release(IPAddress address)
    {
        while (true)
        {
            var count = _open[address];
            if (count == 1 ? _open.TryRemove(new KeyValuePair<IPAddress, int>(address, 1)) : _open.TryUpdate(address, count - 1, count))
                return;
        }
    }
}
