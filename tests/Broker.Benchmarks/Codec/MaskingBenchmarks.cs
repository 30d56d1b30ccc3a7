using BenchmarkDotNet.Attributes;
using Broker.Protocol.Framing;

namespace Broker.Benchmarks.Codec;

/// <summary>Vectorized in-place unmasking (RFC 6455 §5.3), starting at an odd key offset as after a segment split.</summary>
[MemoryDiagnoser]
public class MaskingBenchmarks
{
    private readonly byte[] _data = new byte[65536];

    [Benchmark]
    public int Unmask64KiB() => Masking.Unmask(_data, 0x3d21fa37, 1);
}
