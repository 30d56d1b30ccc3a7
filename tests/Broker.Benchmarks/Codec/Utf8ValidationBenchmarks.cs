using System.Text;
using BenchmarkDotNet.Attributes;
using Broker.Protocol.Text;

namespace Broker.Benchmarks.Codec;

/// <summary>Incremental UTF-8 validation of 64 KiB in 4 KiB pieces, ASCII and mixed multi-byte text.</summary>
[MemoryDiagnoser]
public class Utf8ValidationBenchmarks
{
    private const int PieceBytes = 4096;
    private byte[] _ascii = [];
    private byte[] _mixed = [];

    [GlobalSetup]
    public void Setup()
    {
        _ascii = Encoding.UTF8.GetBytes(new string('x', 65536));
        var mixed = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Grüße, 世界 🌍! ", 4000)));
        _mixed = mixed[..65536]; // may end inside a code point; validated without final, like a fragment
    }

    [Benchmark]
    public bool ValidateAscii64KiB() => Validate(_ascii);

    [Benchmark]
    public bool ValidateMixed64KiB() => Validate(_mixed);

    private static bool Validate(byte[] data)
    {
        var validator = new Utf8Validator();
        var ok = true;
        for (var i = 0; i < data.Length; i += PieceBytes)
            ok &= validator.TryAppend(data.AsSpan(i, Math.Min(PieceBytes, data.Length - i)), final: false);
        return ok;
    }
}
