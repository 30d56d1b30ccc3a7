namespace Broker.Protocol.Tests.Support;

/// <summary>
/// Allocation checks that do not depend on the JIT: a tier-up or a first-call stub may allocate a few hundred bytes
/// once, so exact-zero belongs to the benchmarks (BenchmarkDotNet's MemoryDiagnoser, "Allocated" column). What a test
/// can assert deterministically is that nothing is allocated per operation: fewer bytes in total than one smallest
/// object (24 bytes on 64-bit) for each operation.
/// </summary>
public static class Allocations
{
    private const int SmallestObjectBytes = 24;

    public static void AssertNonePerOperation(long allocatedBytes, int operations) =>
        Assert.True(allocatedBytes < (long)operations * SmallestObjectBytes,
            $"{allocatedBytes} bytes allocated over {operations} operations: something allocates per operation");
}
