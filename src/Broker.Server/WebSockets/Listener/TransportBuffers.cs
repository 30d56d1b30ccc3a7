using System.Buffers;

namespace Broker.Server.WebSockets.Listener;

/// <summary>
/// The pool the own transport's reads and writes rent from, only while they hold bytes. Not ArrayPool.Shared: its
/// per-core stacks hold a few arrays per size, so with a thousand connections flushing at once most rents missed and
/// allocated fresh, zeroed arrays (GC and page faults on every round of a fan-out).
/// </summary>
internal static class TransportBuffers
{
    public static readonly ArrayPool<byte> Pool = ArrayPool<byte>.Create(maxArrayLength: 1024 * 1024, maxArraysPerBucket: 4096);
}
