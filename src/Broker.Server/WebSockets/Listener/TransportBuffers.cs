using System.Buffers;

namespace Broker.Server.WebSockets.Listener;

/// <summary>
/// The pool the own transport's reads and writes rent from, only while they hold bytes. Not ArrayPool.Shared: its
/// per-core stacks hold a few arrays per size, so with a thousand connections flushing at once most rents missed and
/// allocated fresh, zeroed arrays (GC and page faults on every round of a fan-out). Sends on the shard mostly complete
/// at once and a read buffer goes back once its bytes are parsed, so few are out at a time in steady traffic; what
/// the pool keeps stays in memory for good, so it keeps no more than that (a connect storm's peak is left to the GC:
/// 4,096 per size held 53 MB, 5.3 KB per connection, after opening 10,000 connections).
/// </summary>
internal static class TransportBuffers
{
    public static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(maxArrayLength: 1024 * 1024, maxArraysPerBucket: 256);
}
