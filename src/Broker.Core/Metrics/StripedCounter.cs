using System.Numerics;
using System.Runtime.InteropServices;

namespace Broker.Core.Metrics;

/// <summary>
/// A counter incremented from many threads on hot paths (one increment per delivered frame): each core adds to its own
/// cache line, so a million increments a second do not bounce one line between cores. Reading sums every stripe; a
/// read racing increments may miss the newest, which is fine for statistics.
/// </summary>
public sealed class StripedCounter
{
    private static readonly int StripeCount = (int)BitOperations.RoundUpToPowerOf2((uint)Environment.ProcessorCount);
    private readonly Stripe[] _stripes = new Stripe[StripeCount];

    /// <summary>The sum over every stripe.</summary>
    public long Value
    {
        get
        {
            long sum = 0;
            for (var i = 0; i < _stripes.Length; i++)
                sum += Volatile.Read(ref _stripes[i].Count);
            return sum;
        }
    }

    /// <summary>Adds one.</summary>
    public void Increment() => Add(1);

    /// <summary>Adds <paramref name="amount"/>.</summary>
    public void Add(long amount) =>
        Interlocked.Add(ref _stripes[Thread.GetCurrentProcessorId() & (_stripes.Length - 1)].Count, amount);

    // 128 bytes apart: adjacent-line prefetching pairs 64-byte lines on x64.
    [StructLayout(LayoutKind.Explicit, Size = 128)]
    private struct Stripe
    {
        [FieldOffset(64)]
        public long Count;
    }
}
