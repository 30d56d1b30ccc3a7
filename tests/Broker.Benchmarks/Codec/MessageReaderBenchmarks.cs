using System.Buffers;
using BenchmarkDotNet.Attributes;
using Broker.Protocol.Framing;

namespace Broker.Benchmarks.Codec;

/// <summary>
/// Header parsing, unmasking and (for text) UTF-8 validation of one masked, unfragmented client frame. The same buffer
/// is read again each time: unmasking toggles the binary payload between two states, both valid; the text frame uses
/// an all-zero key so its payload stays valid UTF-8 while the XOR work is still done.
/// </summary>
[MemoryDiagnoser]
public class MessageReaderBenchmarks
{
    private byte[] _binaryFrame = [];
    private byte[] _textFrame = [];
    private MessageReader _reader = null!;

    [Params(100, 65536)]
    public int PayloadBytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var payload = new byte[PayloadBytes];
        for (var i = 0; i < payload.Length; i++)
            payload[i] = (byte)('a' + i % 26);
        _binaryFrame = ClientFrameWriter.Encode(OpCode.Binary, payload, 0x3d21fa37);
        _textFrame = ClientFrameWriter.Encode(OpCode.Text, payload, 0);
        _reader = new MessageReader(new MessageReaderOptions(1 << 20));
    }

    [GlobalCleanup]
    public void Cleanup() => _reader.Dispose();

    [Benchmark]
    public long ReadBinaryFrame()
    {
        var buffer = new ReadOnlySequence<byte>(_binaryFrame);
        _reader.TryRead(ref buffer, out var message);
        return message.Payload.Length;
    }

    [Benchmark]
    public long ReadTextFrame()
    {
        var buffer = new ReadOnlySequence<byte>(_textFrame);
        _reader.TryRead(ref buffer, out var message);
        return message.Payload.Length;
    }
}
