using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using Broker.Protocol.Compression;
using Broker.Protocol.Framing;

namespace Broker.Benchmarks.Codec;

/// <summary>
/// permessage-deflate of a 16 KiB JSON-like text message: compress with <see cref="MessageWriter"/> (no context
/// takeover, the per-thread compressor) and inflate with <see cref="MessageReader"/> (client no context takeover, so
/// the same compressed frame can be read again and again).
/// </summary>
[MemoryDiagnoser]
public class DeflateBenchmarks
{
    private static readonly DeflateParameters Parameters = new(true, true, 15, 15);
    private readonly ArrayBufferWriter<byte> _output = new(1 << 16);
    private byte[] _payload = [];
    private byte[] _compressedFrame = [];
    private MessageWriter _writer = null!;
    private MessageReader _reader = null!;

    [GlobalSetup]
    public void Setup()
    {
        var text = new StringBuilder();
        for (var i = 0; text.Length < 16384; i++)
            text.Append($"{{\"topic\":\"prices.eu\",\"offset\":{i},\"data\":{{\"sym\":\"S{i % 97}\",\"px\":{i * 3.7:F2}}}}},");
        _payload = Encoding.UTF8.GetBytes(text.ToString(0, 16384));
        _writer = new MessageWriter(Parameters, 0);
        _writer.Write(_output, OpCode.Text, _payload);
        // Server frames are unmasked: read them as a client would.
        _compressedFrame = _output.WrittenSpan.ToArray();
        _reader = new MessageReader(new MessageReaderOptions(1 << 20, Parameters, RequireMaskedFrames: false));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _writer.Dispose();
        _reader.Dispose();
    }

    [Benchmark]
    public int Compress16KiB()
    {
        _output.ResetWrittenCount();
        _writer.Write(_output, OpCode.Text, _payload);
        return _output.WrittenCount;
    }

    [Benchmark]
    public long Inflate16KiB()
    {
        var buffer = new ReadOnlySequence<byte>(_compressedFrame);
        _reader.TryRead(ref buffer, out var message);
        return message.Payload.Length;
    }
}
