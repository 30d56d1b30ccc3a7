namespace Broker.LoadTool;

/// <summary>Opens many connections with bounded parallelism, so the broker's accept backlog never overflows.</summary>
internal static class Connector
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Opens every connection and runs <paramref name="afterOpen"/> on it; the first failure ends the run.</summary>
    public static async Task OpenAllAsync<T>(IReadOnlyList<T> connections, Uri url, int parallel, Func<T, Task> afterOpen)
        where T : WsConnection
    {
        using var timeout = new CancellationTokenSource(ConnectTimeout + TimeSpan.FromSeconds(connections.Count / 100.0));
        await Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = timeout.Token },
            async (connection, cancel) =>
            {
                await connection.OpenAsync(url, cancel);
                await afterOpen(connection);
            });
    }

    /// <summary>Closes every connection with the closing handshake, bounded in time.</summary>
    public static Task CloseAllAsync(IEnumerable<WsConnection> connections) =>
        Parallel.ForEachAsync(connections, new ParallelOptions { MaxDegreeOfParallelism = 256 },
            async (connection, _) => await connection.CloseAsync(TimeSpan.FromSeconds(5)));
}
